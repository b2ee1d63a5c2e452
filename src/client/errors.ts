/**
 * An RFC 6749 §5.2 error from the token endpoint, or `invalid_response` when the response could not
 * be read as a token response.
 *
 * @example
 * ```ts
 * try {
 *   await tokens.getToken();
 * } catch (error) {
 *   if (error instanceof OAuthError && error.error === 'invalid_client') console.error(error.error_description);
 * }
 * ```
 */
export class OAuthError extends Error {
  override name = 'OAuthError';

  constructor(
    /** HTTP status of the response; 0 when no response arrived. */
    readonly status: number,
    /** The RFC 6749 error code, such as `invalid_client` or `invalid_scope`. */
    readonly error: string,
    /** The server's explanation, when it sent one. */
    readonly error_description?: string,
  ) {
    super(error_description ? `${error}: ${error_description}` : error);
  }
}

/**
 * A SCIM request that failed: the RFC 7644 §3.12 error resource when the server sent one, else the
 * HTTP status with the start of the body as `detail`.
 *
 * @example
 * ```ts
 * try {
 *   await scim.users.create({ schemas: [USER_SCHEMA], userName: 'ada@example.com' });
 * } catch (error) {
 *   if (error instanceof ScimError && error.scimType === 'uniqueness') console.log('exists already');
 * }
 * ```
 */
export class ScimError extends Error {
  override name = 'ScimError';

  constructor(
    /** HTTP status of the response. */
    readonly status: number,
    /** The RFC 7644 §3.12 keyword, such as `uniqueness` or `invalidFilter`, when present. */
    readonly scimType: string | undefined,
    /** The server's explanation. */
    readonly detail: string | undefined,
    /** The parsed error body, or undefined when the body was not JSON. */
    readonly body: unknown,
  ) {
    super(
      `SCIM request failed with ${status}${scimType ? ` ${scimType}` : ''}${detail ? `: ${detail}` : ''}`,
    );
  }
}
