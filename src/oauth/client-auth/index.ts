import { InvalidClientError, InvalidRequestError, OAuthError } from '../errors.js';
import type { AuthenticatedClient, TokenServices } from '../token-services.js';
import {
  BASIC_CHALLENGE,
  clientSecretBasic,
  clientSecretPost,
  usesBasic,
} from './client-secret.js';
import type { ClientAuthMethod, ClientCredentials } from './method.js';
import { JWT_BEARER_ASSERTION_TYPE, privateKeyJwt } from './private-key-jwt.js';

export type { ClientCredentials } from './method.js';

/** The client-authentication methods of the token, introspection and revocation endpoints. */
export const CLIENT_AUTH_METHODS: ReadonlyMap<string, ClientAuthMethod> = new Map([
  [privateKeyJwt.name, privateKeyJwt],
  [clientSecretBasic.name, clientSecretBasic],
  [clientSecretPost.name, clientSecretPost],
]);

/**
 * Authenticates the client of a request with the one method its credentials use. A request that
 * uses several methods is invalid (RFC 6749 §2.3), and one without credentials fails as an
 * unauthenticated client. Every failure of a request that used HTTP Basic carries a Basic
 * challenge (RFC 6749 §5.2).
 */
export async function authenticateClient(
  credentials: ClientCredentials,
  services: TokenServices,
): Promise<AuthenticatedClient> {
  try {
    return await dispatch(credentials, services);
  } catch (error) {
    if (error instanceof OAuthError && error.status === 401 && usesBasic(credentials)) {
      error.headers['www-authenticate'] = BASIC_CHALLENGE;
    }
    throw error;
  }
}

async function dispatch(
  credentials: ClientCredentials,
  services: TokenServices,
): Promise<AuthenticatedClient> {
  const used = [...CLIENT_AUTH_METHODS.values()].filter((method) => method.isUsedBy(credentials));
  const otherScheme = credentials.authorization !== undefined && !usesBasic(credentials) ? 1 : 0;

  if (used.length + otherScheme > 1) {
    throw new InvalidRequestError('the request must use exactly one client authentication method');
  }

  const [method] = used;
  if (method) {
    return { ...(await method.authenticate(credentials, services)), method: method.name };
  }

  if (otherScheme) {
    throw new InvalidClientError(
      'the Authorization header uses a scheme other than Basic',
      {},
      'the Authorization header of a client must use the Basic scheme; bearer tokens are not client credentials',
    );
  }

  throw new InvalidClientError(
    'no client credentials',
    {},
    `client authentication is required: send a signed client_assertion with client_assertion_type=${JWT_BEARER_ASSERTION_TYPE} (private_key_jwt), or the client secret (client_secret_basic or client_secret_post)`,
  );
}
