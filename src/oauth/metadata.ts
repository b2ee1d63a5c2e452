import type { Config } from '../config/index.js';
import { SCOPES } from '../directory/clients.js';
import { CLIENT_AUTH_METHODS } from './client-auth/index.js';
import { GRANT_TYPES } from './grants/index.js';
import { INTROSPECTION_PATH, JWKS_PATH, REVOCATION_PATH, TOKEN_PATH } from './paths.js';

/**
 * Builds the authorization server metadata document (RFC 8414 §2) for the configuration, whose
 * public URL is the issuer. Every list states what the server does now: the authentication
 * methods and algorithms it accepts at each endpoint, which are the same for all three.
 */
export function authorizationServerMetadata(config: Config): Record<string, unknown> {
  const issuer = config.publicUrl;
  const methods = [...CLIENT_AUTH_METHODS.keys()];
  const algorithms = [...config.oauth.assertionAlgorithms];

  return {
    issuer,
    token_endpoint: `${issuer}${TOKEN_PATH}`,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    scopes_supported: [...SCOPES],
    // Required by RFC 8414 §2; empty because there is no authorization endpoint.
    response_types_supported: [],
    grant_types_supported: [...GRANT_TYPES.keys()],
    token_endpoint_auth_methods_supported: methods,
    token_endpoint_auth_signing_alg_values_supported: algorithms,
    introspection_endpoint: `${issuer}${INTROSPECTION_PATH}`,
    introspection_endpoint_auth_methods_supported: methods,
    introspection_endpoint_auth_signing_alg_values_supported: algorithms,
    revocation_endpoint: `${issuer}${REVOCATION_PATH}`,
    revocation_endpoint_auth_methods_supported: methods,
    revocation_endpoint_auth_signing_alg_values_supported: algorithms,
  };
}
