import assert from 'node:assert/strict';
import { Writable } from 'node:stream';

/** `client_assertion_type` of private_key_jwt. */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Status, headers and JSON body of a token endpoint response. */
export interface TokenResult {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Builds the parameters of a client_credentials request authenticated by `assertion`. */
export function assertionParams(
  assertion: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    grant_type: 'client_credentials',
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
    ...extra,
  };
}

/** POSTs a token request, form-encoded unless `encoding` is `json`. */
export async function requestToken(
  baseUrl: string,
  params: Record<string, string>,
  encoding: 'form' | 'json' = 'form',
): Promise<TokenResult> {
  const body =
    encoding === 'json' ? JSON.stringify(params) : new URLSearchParams(params).toString();
  const contentType =
    encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  return postRaw(baseUrl, body, { 'content-type': contentType });
}

/** POSTs a raw body to the token endpoint. */
export async function postRaw(
  baseUrl: string,
  body: string | undefined,
  headers: Record<string, string>,
): Promise<TokenResult> {
  const response = await fetch(`${baseUrl}/oauth/token`, { method: 'POST', headers, body });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** Asserts an RFC 6749 §5.2 error response, with its exact description. */
export function assertTokenError(
  result: TokenResult,
  status: number,
  error: string,
  description: string,
): void {
  assert.equal(result.status, status);
  assert.deepEqual(result.body, { error, error_description: description });
}

/** Public description of every failed client authentication that does not name its cause. */
export const CLIENT_AUTH_FAILED = 'client authentication failed';

/** Log lines of a test server, parsed, with the latest rejection of an oauth request. */
export interface CapturedLogs {
  /** Logger options for `startTestServer`. */
  logger: { level: string; stream: Writable };
  lines: Array<Record<string, unknown>>;
  /** The `detail.reason` of the latest rejection. */
  lastReason(): unknown;
}

/** Collects a test server's log lines at level info. */
export function captureLogs(): CapturedLogs {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return {
    logger: { level: 'info', stream },
    lines,
    lastReason() {
      const rejected = lines.filter((line) => line.msg === 'token request rejected').at(-1);
      return (rejected?.detail as Record<string, unknown> | undefined)?.reason;
    },
  };
}

/**
 * Asserts a failed client authentication: 401 `invalid_client` with the public description that
 * names no cause, and `reason` as the cause in the server log.
 */
export function assertClientAuthFailure(
  result: TokenResult,
  logs: CapturedLogs,
  reason: string,
): void {
  assertTokenError(result, 401, 'invalid_client', CLIENT_AUTH_FAILED);
  assert.equal(logs.lastReason(), reason);
}
