import type { TokenParams } from '../token-params.js';
import type { AuthenticatedClient, TokenServices } from '../token-services.js';

/** One client-authentication method of the token endpoint (RFC 6749 §2.3). */
export interface ClientAuthMethod {
  /** The method's name in `token_endpoint_auth_methods_supported` (RFC 8414 §2). */
  readonly name: string;
  /** Whether the request carries this method's credentials, complete or not. */
  isUsedBy(params: TokenParams): boolean;
  /** Checks the credentials; throws an OAuthError naming what is wrong. */
  authenticate(
    params: TokenParams,
    services: TokenServices,
  ): Promise<Omit<AuthenticatedClient, 'method'>>;
}
