/** Path of the token endpoint below the issuer. */
export const TOKEN_PATH = '/oauth/token';

/** Path of the token introspection endpoint (RFC 7662) below the issuer. */
export const INTROSPECTION_PATH = '/oauth/introspect';

/** Path of the token revocation endpoint (RFC 7009) below the issuer. */
export const REVOCATION_PATH = '/oauth/revoke';

/** Path of the server's public keys below the issuer. */
export const JWKS_PATH = '/oauth/jwks';

/** Path of the authorization server metadata for an issuer without a path (RFC 8414 §3). */
export const METADATA_PATH = '/.well-known/oauth-authorization-server';
