/** Schema URN of the SCIM error response (RFC 7644 §3.12). */
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * The `scimType` keywords of RFC 7644 §3.12 (and RFC 9865 for cursors) with the one HTTP status
 * each belongs to: `uniqueness` is a 409 (RFC 7644 §3.3), every other keyword a 400.
 */
const SCIM_TYPE_STATUS = {
  invalidFilter: 400,
  tooMany: 400,
  uniqueness: 409,
  mutability: 400,
  invalidSyntax: 400,
  invalidPath: 400,
  noTarget: 400,
  invalidValue: 400,
  invalidVers: 400,
  sensitive: 400,
  invalidCursor: 400,
  expiredCursor: 400,
  invalidCount: 400,
} as const;

export type ScimType = keyof typeof SCIM_TYPE_STATUS;

/** HTTP statuses a SCIM error may carry without a `scimType`. */
export type ScimStatus = 400 | 401 | 403 | 404 | 405 | 409 | 412 | 413 | 415 | 500 | 501;

/** The SCIM error resource as sent on the wire. */
export interface ScimErrorBody {
  schemas: [typeof ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

/**
 * A failed SCIM request. Build one with `ScimError.of(scimType, detail)`, which takes the status
 * from the keyword, or `ScimError.withStatus(status, detail)` for errors without a keyword, so that
 * a keyword never travels with a status it does not belong to.
 */
export class ScimError extends Error {
  override name = 'ScimError';

  private constructor(
    readonly status: ScimStatus,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
    /** Extra response headers, such as `WWW-Authenticate` on a 401. */
    readonly headers: Readonly<Record<string, string>>,
  ) {
    super(detail);
  }

  /** Builds the error a `scimType` keyword stands for, with the status the keyword belongs to. */
  static of(scimType: ScimType, detail: string): ScimError {
    return new ScimError(SCIM_TYPE_STATUS[scimType], scimType, detail, {});
  }

  /** Builds an error without a `scimType` keyword. */
  static withStatus(
    status: ScimStatus,
    detail: string,
    headers: Record<string, string> = {},
  ): ScimError {
    return new ScimError(status, undefined, detail, headers);
  }

  toBody(): ScimErrorBody {
    return {
      schemas: [ERROR_SCHEMA],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.detail,
    };
  }
}
