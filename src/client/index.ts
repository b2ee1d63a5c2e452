/**
 * The scimd integrator kit: sign client assertions, keep an access token fresh, and call any
 * RFC 7644 SCIM server. Runs on Node.js 20 and depends only on `jose`.
 */
export {
  type ClientAssertionOptions,
  createClientAssertion,
  inferAlgorithm,
  JWT_BEARER_ASSERTION_TYPE,
  type PrivateKeyInput,
} from './assertion.js';
export { OAuthError, ScimError } from './errors.js';
export { parseRetryAfter, type RetryOptions } from './http.js';
export {
  type AuthorizationServerMetadata,
  discoverAuthorizationServer,
  metadataUrl,
} from './metadata.js';
export {
  SCIM_MEDIA_TYPE,
  ScimClient,
  type ScimClientOptions,
  type ScimRequestOptions,
  type ScimResponse,
  type TokenProvider,
} from './scim-client.js';
export { type FilterValue, filterValue, scimFilter } from './scim-filter.js';
export { PatchBuilder, type PatchRequest } from './scim-patch.js';
export {
  type ListOptions,
  type ReadOptions,
  ResourceClient,
  type WriteOptions,
} from './scim-resources.js';
export * from './scim-types.js';
export {
  type ClientSecretMethod,
  requestClientCredentialsToken,
  type TokenRequestOptions,
  type TokenResponse,
} from './token.js';
export { TokenSource, type TokenSourceOptions } from './token-source.js';
