/** Error codes of the token endpoint (RFC 6749 §5.2), plus `server_error` for unexpected failures. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'server_error';

/**
 * An error sent in the RFC 6749 §5.2 format. `description` is sent to the client as
 * `error_description`; `detail` is only logged, and must never contain a token or an assertion.
 */
export abstract class OAuthError extends Error {
  abstract readonly code: OAuthErrorCode;
  abstract readonly status: 400 | 401 | 500;
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

/**
 * Client authentication failed. Sent with status 401 whatever the method, so that integrators see
 * one status for every authentication problem.
 */
export class InvalidClientError extends OAuthError {
  readonly code = 'invalid_client';
  readonly status = 401;
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

/** An unexpected failure; its public description never reveals the cause. */
export class ServerError extends OAuthError {
  readonly code = 'server_error';
  readonly status = 500;
}
