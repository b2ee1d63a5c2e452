import type { TokenParams } from '../token-params.js';
import type { AuthenticatedClient, TokenServices } from '../token-services.js';

/** A successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  /** Lifetime of the access token, in seconds. */
  expires_in: number;
  scope: string;
}

/** One grant type of the token endpoint, run after the client has authenticated. */
export interface GrantType {
  /** The `grant_type` value (RFC 6749 §4). */
  readonly name: string;
  handle(
    params: TokenParams,
    client: AuthenticatedClient,
    services: TokenServices,
  ): Promise<TokenResponse>;
}
