import { OAuthError } from './errors.js';
import { type RetryOptions, readJsonBody, sendWithRetry } from './http.js';

/** The members of RFC 8414 authorization server metadata that the client uses. */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri?: string;
  token_endpoint_auth_methods_supported?: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
  scopes_supported?: string[];
  [member: string]: unknown;
}

/**
 * Returns the metadata URL of an issuer (RFC 8414 §3.1): the well-known suffix goes between the
 * host and the issuer's path, so `https://as.example/tenant` has its metadata at
 * `https://as.example/.well-known/oauth-authorization-server/tenant`.
 */
export function metadataUrl(issuer: string): string {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}/.well-known/oauth-authorization-server${path}`;
}

/**
 * Fetches and checks an issuer's RFC 8414 metadata. The `issuer` member must equal the issuer that
 * was asked for (RFC 8414 §3.3), which stops a forged document from redirecting credentials.
 * Throws an OAuthError `invalid_response` when the document is missing or does not fit.
 *
 * @example
 * ```ts
 * const { token_endpoint } = await discoverAuthorizationServer('https://scimd.example.com');
 * ```
 */
export async function discoverAuthorizationServer(
  issuer: string,
  options: { retry?: RetryOptions; fetch?: typeof fetch } = {},
): Promise<AuthorizationServerMetadata> {
  const url = metadataUrl(issuer);
  const response = await sendWithRetry(
    url,
    { headers: { accept: 'application/json' } },
    { retry: options.retry, idempotent: true, fetch: options.fetch },
  );
  const body = await readJsonBody(response);

  if (!response.ok || typeof body !== 'object' || body === null) {
    throw new OAuthError(
      response.status,
      'invalid_response',
      `no authorization server metadata at ${url} (HTTP ${response.status})`,
    );
  }

  const metadata = body as Partial<AuthorizationServerMetadata>;
  if (normalizeIssuer(String(metadata.issuer)) !== normalizeIssuer(issuer)) {
    throw new OAuthError(
      response.status,
      'invalid_response',
      `metadata at ${url} names issuer "${metadata.issuer}", expected "${issuer}"`,
    );
  }
  if (typeof metadata.token_endpoint !== 'string') {
    throw new OAuthError(
      response.status,
      'invalid_response',
      `metadata at ${url} has no token_endpoint`,
    );
  }
  return metadata as AuthorizationServerMetadata;
}

// A trailing slash is the one difference tolerated, because users often type one.
function normalizeIssuer(issuer: string): string {
  return issuer.replace(/\/+$/, '');
}
