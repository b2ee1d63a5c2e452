/** Error codes of the token endpoint (RFC 6749 §5.2), plus `server_error` for unexpected failures. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type'
  | 'temporarily_unavailable'
  | 'server_error';

/**
 * An error sent in the RFC 6749 §5.2 format. `description` is sent to the client as
 * `error_description`; `detail` is only logged, and must never contain a token or an assertion.
 */
export abstract class OAuthError extends Error {
  abstract readonly code: OAuthErrorCode;
  abstract readonly status: 400 | 401 | 413 | 429 | 500;
  /** Extra response headers, such as `WWW-Authenticate`. */
  readonly headers: Record<string, string> = {};

  constructor(
    readonly description: string,
    readonly detail?: Record<string, unknown>,
  ) {
    super(description);
    this.name = new.target.name;
  }
}

/** A parameter is missing, repeated, malformed or not allowed. */
export class InvalidRequestError extends OAuthError {
  readonly code = 'invalid_request';
  readonly status = 400;
}

/** A request body larger than the server accepts, sent as `invalid_request` with status 413. */
export class BodyTooLargeError extends OAuthError {
  readonly code = 'invalid_request';
  readonly status = 413;
}

/** Public description of every failed client authentication that does not say otherwise. */
export const CLIENT_AUTHENTICATION_FAILED = 'client authentication failed';

/**
 * Client authentication failed. Sent with status 401 whatever the method, so that integrators see
 * one status for every authentication problem. `reason` names the check that failed and goes only
 * to the log: a public description that differs per check would tell a prober which client ids
 * exist, which keys they hold and which claims passed. A public description is given only for
 * problems in the form of the request, which reveal nothing about the client.
 */
export class InvalidClientError extends OAuthError {
  readonly code = 'invalid_client';
  readonly status = 401;

  constructor(
    reason: string,
    detail?: Record<string, unknown>,
    publicDescription = CLIENT_AUTHENTICATION_FAILED,
  ) {
    super(publicDescription, { reason, ...detail });
  }
}

/** The grant is invalid, expired or revoked. */
export class InvalidGrantError extends OAuthError {
  readonly code = 'invalid_grant';
  readonly status = 400;
}

/** The authenticated client may not use this grant type. */
export class UnauthorizedClientError extends OAuthError {
  readonly code = 'unauthorized_client';
  readonly status = 400;
}

/** The grant type is not supported by this server. */
export class UnsupportedGrantTypeError extends OAuthError {
  readonly code = 'unsupported_grant_type';
  readonly status = 400;
}

/** The requested scope is unknown or exceeds what the client may be granted. */
export class InvalidScopeError extends OAuthError {
  readonly code = 'invalid_scope';
  readonly status = 400;
}

/** The token type cannot be revoked by this server (RFC 7009 §2.2.1). */
export class UnsupportedTokenTypeError extends OAuthError {
  readonly code = 'unsupported_token_type';
  readonly status = 400;
}

/** Too many requests from one client or address; sent with `Retry-After`. */
export class RateLimitedError extends OAuthError {
  readonly code = 'temporarily_unavailable';
  readonly status = 429;

  constructor(description: string, retryAfterSeconds: number, detail?: Record<string, unknown>) {
    super(description, detail);
    this.headers['retry-after'] = String(retryAfterSeconds);
  }
}

/** An unexpected failure; its public description never reveals the cause. */
export class ServerError extends OAuthError {
  readonly code = 'server_error';
  readonly status = 500;
}
