import { InvalidClientError, InvalidRequestError } from '../errors.js';
import type { TokenParams } from '../token-params.js';
import type { AuthenticatedClient, TokenServices } from '../token-services.js';
import type { ClientAuthMethod } from './method.js';
import { JWT_BEARER_ASSERTION_TYPE, privateKeyJwt } from './private-key-jwt.js';

/** The client-authentication methods of the token endpoint, by name. */
export const CLIENT_AUTH_METHODS: ReadonlyMap<string, ClientAuthMethod> = new Map([
  [privateKeyJwt.name, privateKeyJwt],
]);

/** Credentials of a request, as the token endpoint receives them. */
export interface ClientCredentials {
  params: TokenParams;
  /** The `Authorization` request header, if any. */
  authorization: string | undefined;
}

/**
 * Authenticates the client of a token request with the one method its credentials use. A request
 * that uses several methods is invalid (RFC 6749 §2.3), and one without credentials fails as an
 * unauthenticated client.
 */
export async function authenticateClient(
  credentials: ClientCredentials,
  services: TokenServices,
): Promise<AuthenticatedClient> {
  const used = [...CLIENT_AUTH_METHODS.values()].filter((method) =>
    method.isUsedBy(credentials.params),
  );
  const unsupported = unsupportedMethods(credentials);

  if (used.length + unsupported.length > 1) {
    throw new InvalidRequestError('the request must use exactly one client authentication method');
  }

  const [method] = used;
  if (method) {
    return { ...(await method.authenticate(credentials.params, services)), method: method.name };
  }

  const [attempted] = unsupported;
  if (attempted) {
    const error = new InvalidClientError(
      `client authentication with ${attempted} is not supported; use private_key_jwt`,
    );
    // RFC 6749 §5.2: a client that tried the Authorization header gets a challenge for its scheme.
    if (attempted === 'client_secret_basic') {
      error.headers['www-authenticate'] = 'Basic realm="scimd"';
    }
    throw error;
  }

  throw new InvalidClientError(
    `client authentication is required: send client_assertion_type=${JWT_BEARER_ASSERTION_TYPE} and a signed client_assertion (private_key_jwt)`,
  );
}

/** Names the methods this server does not support that the request tried anyway. */
function unsupportedMethods({ params, authorization }: ClientCredentials): string[] {
  const attempts: string[] = [];
  if (authorization !== undefined) {
    attempts.push(
      /^basic\s/i.test(authorization) ? 'client_secret_basic' : 'the Authorization header',
    );
  }
  if (params.has('client_secret')) attempts.push('client_secret_post');
  return attempts;
}
