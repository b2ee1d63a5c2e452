import { JWT_BEARER_ASSERTION_TYPE } from './assertion.js';

/** The token endpoint's successful answer (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

/** The token endpoint answered with an RFC 6749 §5.2 error. */
export class OAuthResponseError extends Error {
  override name = 'OAuthResponseError';
  constructor(
    readonly status: number,
    readonly error: string,
    readonly errorDescription: string | undefined,
  ) {
    super(errorDescription ? `${error}: ${errorDescription}` : error);
  }
}

export interface TokenRequestOptions {
  tokenEndpoint: string;
  clientAssertion: string;
  clientId?: string;
  /** Space-separated scopes; omitted asks for every scope the client is allowed. */
  scope?: string;
  /** Send the body as JSON instead of form encoding. Default false. */
  json?: boolean;
}

/** Exchanges a client assertion for an access token with the client_credentials grant. */
export async function requestClientCredentialsToken(
  options: TokenRequestOptions,
): Promise<TokenResponse> {
  const parameters: Record<string, string> = {
    grant_type: 'client_credentials',
    client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
    client_assertion: options.clientAssertion,
  };
  if (options.clientId) parameters.client_id = options.clientId;
  if (options.scope) parameters.scope = options.scope;

  const response = await fetch(options.tokenEndpoint, {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'content-type': options.json ? 'application/json' : 'application/x-www-form-urlencoded',
    },
    body: options.json ? JSON.stringify(parameters) : new URLSearchParams(parameters).toString(),
  });

  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    throw new OAuthResponseError(
      response.status,
      'invalid_response',
      `not JSON: ${text.slice(0, 200)}`,
    );
  }
  if (!response.ok) {
    const description =
      typeof body.error_description === 'string' ? body.error_description : undefined;
    throw new OAuthResponseError(
      response.status,
      String(body.error ?? 'invalid_response'),
      description,
    );
  }
  if (typeof body.access_token !== 'string') {
    throw new OAuthResponseError(
      response.status,
      'invalid_response',
      'no access_token in the answer',
    );
  }
  return body as unknown as TokenResponse;
}
