import { InvalidRequestError } from './errors.js';

/** Parameters of a token request, each present at most once and never empty. */
export type TokenParams = ReadonlyMap<string, string>;

/** Media types of a token request body: form-encoded per RFC 6749 §4.4.2, JSON for integrators that send it. */
const BODY_TYPES = ['application/x-www-form-urlencoded', 'application/json'];

/** Description of the error for a body of another media type. */
export const BODY_TYPE_DESCRIPTION = `the request body must be ${BODY_TYPES.join(' or ')}`;

/** Largest parameter value accepted, in characters. */
const MAX_VALUE_LENGTH = 16 * 1024;

/**
 * Largest `client_assertion` accepted, in characters (8 KiB). An RS512 assertion from a
 * 4096-bit key is under 1.5 KiB, so only an assertion with a certificate chain in its header
 * comes near. A longer one is rejected as a malformed request (RFC 6749 §5.2
 * `invalid_request`) before it is decoded.
 */
export const MAX_CLIENT_ASSERTION_LENGTH = 8 * 1024;

/**
 * Reads the token request parameters from a parsed form or JSON body. A repeated parameter is an
 * error and an empty one counts as absent (RFC 6749 §3.2). Unknown parameters are kept, and the
 * steps that do not use them ignore them.
 */
export function readTokenParams(contentType: string | undefined, body: unknown): TokenParams {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === undefined || !BODY_TYPES.includes(mediaType)) {
    throw new InvalidRequestError(BODY_TYPE_DESCRIPTION);
  }

  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError('the JSON request body must be an object of parameters');
  }

  const params = new Map<string, string>();
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) {
      throw new InvalidRequestError(`the parameter ${name} must have exactly one value`);
    }
    if (typeof value !== 'string') {
      throw new InvalidRequestError(`the parameter ${name} must be a string`);
    }
    if (value.length > MAX_VALUE_LENGTH) {
      throw new InvalidRequestError(
        `the parameter ${name} is longer than ${MAX_VALUE_LENGTH} characters`,
      );
    }
    if (name === 'client_assertion' && value.length > MAX_CLIENT_ASSERTION_LENGTH) {
      throw new InvalidRequestError(
        `the parameter client_assertion is longer than ${MAX_CLIENT_ASSERTION_LENGTH} characters`,
      );
    }
    if (value !== '') params.set(name, value);
  }
  return params;
}
