import type { TokenParams } from '../token-params.js';
import type { AuthenticatedClient, TokenServices } from '../token-services.js';

/** Credentials of a request, as the token, introspection and revocation endpoints receive them. */
export interface ClientCredentials {
  params: TokenParams;
  /** The `Authorization` request header, if any. */
  authorization: string | undefined;
}

/** One client-authentication method of the token endpoint (RFC 6749 §2.3). */
export interface ClientAuthMethod {
  /** The method's name in `token_endpoint_auth_methods_supported` (RFC 8414 §2). */
  readonly name: string;
  /** Whether the request carries this method's credentials, complete or not. */
  isUsedBy(credentials: ClientCredentials): boolean;
  /** Checks the credentials; throws an OAuthError, whose detail names what is wrong. */
  authenticate(
    credentials: ClientCredentials,
    services: TokenServices,
  ): Promise<Omit<AuthenticatedClient, 'method'>>;
}
