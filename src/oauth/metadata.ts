import { SCOPES } from '../directory/clients.js';
import { ASSERTION_ALGORITHMS } from './client-auth/algorithms.js';
import { CLIENT_AUTH_METHODS } from './client-auth/index.js';
import { GRANT_TYPES } from './grants/index.js';
import { JWKS_PATH, TOKEN_PATH } from './paths.js';

/**
 * Builds the authorization server metadata document (RFC 8414 §2) for the issuer, which is the
 * server's public URL.
 */
export function authorizationServerMetadata(issuer: string): Record<string, unknown> {
  return {
    issuer,
    token_endpoint: `${issuer}${TOKEN_PATH}`,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    scopes_supported: [...SCOPES],
    // Required by RFC 8414 §2; empty because there is no authorization endpoint.
    response_types_supported: [],
    grant_types_supported: [...GRANT_TYPES.keys()],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS.keys()],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
  };
}
