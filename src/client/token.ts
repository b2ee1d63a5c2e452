import { JWT_BEARER_ASSERTION_TYPE } from './assertion.js';
import { OAuthError } from './errors.js';
import { type RetryOptions, readJsonBody, sendWithRetry } from './http.js';

/** The token endpoint's successful response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  /** Lifetime of the token in seconds. */
  expires_in?: number;
  scope?: string;
  [member: string]: unknown;
}

/** Client authentication method for a client secret (RFC 6749 §2.3.1). */
export type ClientSecretMethod = 'client_secret_basic' | 'client_secret_post';

export interface TokenRequestOptions {
  tokenEndpoint: string;
  /** Sent as `client_id`; required with a client secret, optional with an assertion. */
  clientId?: string;
  /** A signed client assertion (`private_key_jwt`, RFC 7523 §2.2). */
  clientAssertion?: string;
  /** A client secret, used when there is no assertion. */
  clientSecret?: string;
  /** Placement of the client secret. Default `client_secret_basic` (the `Authorization` header). */
  clientSecretMethod?: ClientSecretMethod;
  /** Space-separated scopes. Without it, the server grants every scope the client is allowed. */
  scope?: string;
  /** Send the body as JSON instead of form encoding. Default false. */
  json?: boolean;
  retry?: RetryOptions;
  fetch?: typeof fetch;
}

/**
 * Requests an access token with the client_credentials grant (RFC 6749 §4.4), authenticated by a
 * client assertion or a client secret. Retries network errors, 429 and 5xx responses (a token
 * request changes nothing, so it is safe to repeat). Throws an OAuthError for an RFC 6749 §5.2
 * error or a response without `access_token`.
 */
export async function requestClientCredentialsToken(
  options: TokenRequestOptions,
): Promise<TokenResponse> {
  const parameters: Record<string, string> = { grant_type: 'client_credentials' };
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': options.json ? 'application/json' : 'application/x-www-form-urlencoded',
  };
  if (options.scope) parameters.scope = options.scope;
  authenticate(options, parameters, headers);

  const response = await sendWithRetry(
    options.tokenEndpoint,
    {
      method: 'POST',
      headers,
      body: options.json ? JSON.stringify(parameters) : new URLSearchParams(parameters).toString(),
    },
    { retry: options.retry, idempotent: true, fetch: options.fetch },
  );
  return readTokenResponse(response);
}

function authenticate(
  options: TokenRequestOptions,
  parameters: Record<string, string>,
  headers: Record<string, string>,
): void {
  if (options.clientAssertion) {
    parameters.client_assertion_type = JWT_BEARER_ASSERTION_TYPE;
    parameters.client_assertion = options.clientAssertion;
    if (options.clientId) parameters.client_id = options.clientId;
    return;
  }

  if (options.clientSecret === undefined || !options.clientId) {
    throw new TypeError('a token request needs clientAssertion, or clientId with clientSecret');
  }
  if (options.clientSecretMethod === 'client_secret_post') {
    parameters.client_id = options.clientId;
    parameters.client_secret = options.clientSecret;
    return;
  }

  // RFC 6749 §2.3.1: both parts are form-encoded before they are joined and base64-encoded.
  const user = encodeURIComponent(options.clientId);
  const password = encodeURIComponent(options.clientSecret);
  headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

async function readTokenResponse(response: Response): Promise<TokenResponse> {
  const body = await readJsonBody(response);
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};

  if (!response.ok) {
    const error = typeof fields.error === 'string' ? fields.error : 'invalid_response';
    const description =
      typeof fields.error_description === 'string'
        ? fields.error_description
        : typeof fields.error === 'string'
          ? undefined
          : `HTTP ${response.status} without an OAuth error body`;
    throw new OAuthError(response.status, error, description);
  }
  if (typeof fields.access_token !== 'string' || typeof fields.token_type !== 'string') {
    throw new OAuthError(
      response.status,
      'invalid_response',
      'the token response has no access_token or token_type',
    );
  }
  return fields as TokenResponse;
}
