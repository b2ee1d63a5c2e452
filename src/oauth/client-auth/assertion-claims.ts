import type { JWTPayload } from 'jose';
import { InvalidClientError } from '../errors.js';

/** Longest accepted `jti`, in characters: the length of the replay table's column. */
const MAX_JTI_LENGTH = 255;

export interface AssertionClaimRules {
  clientId: string;
  /** Accepted `aud` values; the assertion's audience must contain one of them. */
  audiences: readonly string[];
  /**
   * The stricter rule of the RFC 7523 update: `aud` must be this value, the issuer identifier,
   * as a single string. Overrides `audiences` when set.
   */
  strictAudience?: string;
  /** Longest accepted time from now to `exp`, in seconds (RFC 7523 §3 item 4). */
  maxLifetimeSeconds: number;
  /** Current time, in seconds since the epoch. */
  now: number;
  clockSkewSeconds: number;
}

/** The claims needed after the checks: the replay key and how long to remember it. */
export interface CheckedAssertion {
  jti: string;
  /** `exp`, in seconds since the epoch. */
  exp: number;
}

/**
 * Checks the claims of a client assertion whose signature has been verified (RFC 7523 §3). Issuer
 * and subject must be the client and the audience must name this server. The time claims must
 * hold within the configured clock skew, and a `jti` must be present for replay detection.
 */
export function checkAssertionClaims(
  payload: JWTPayload,
  rules: AssertionClaimRules,
): CheckedAssertion {
  const { clientId, now, clockSkewSeconds: skew } = rules;

  if (payload.iss !== clientId || payload.sub !== clientId) {
    throw new InvalidClientError('iss and sub must both equal the client id');
  }

  if (rules.strictAudience !== undefined) {
    if (payload.aud !== rules.strictAudience) {
      throw new InvalidClientError(
        `the assertion audience must be the single string ${JSON.stringify(rules.strictAudience)}`,
      );
    }
  } else if (!audienceMatches(payload.aud, rules.audiences)) {
    throw new InvalidClientError(
      `the assertion audience must be ${rules.audiences.map((value) => JSON.stringify(value)).join(' or ')}`,
    );
  }

  const exp = payload.exp;
  if (exp === undefined) {
    throw new InvalidClientError('the client assertion has no exp claim');
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw new InvalidClientError('the exp claim must be a number of seconds since the epoch');
  }
  if (exp <= now - skew) {
    throw new InvalidClientError('the client assertion has expired');
  }
  if (exp > now + rules.maxLifetimeSeconds + skew) {
    throw new InvalidClientError(
      `the client assertion exp is more than ${rules.maxLifetimeSeconds} seconds in the future`,
    );
  }

  checkNotBefore(payload.nbf, 'nbf', now + skew, 'the client assertion is not valid yet (nbf)');
  checkNotBefore(payload.iat, 'iat', now + skew, 'the client assertion iat is in the future');

  const jti = payload.jti;
  if (jti === undefined) {
    throw new InvalidClientError(
      'the client assertion has no jti claim; give each assertion a unique jti',
    );
  }
  if (
    typeof jti !== 'string' ||
    jti === '' ||
    jti.length > MAX_JTI_LENGTH ||
    hasControlCharacters(jti)
  ) {
    throw new InvalidClientError(
      `the jti claim must be a non-empty string of at most ${MAX_JTI_LENGTH} characters, without control characters`,
    );
  }

  return { jti, exp };
}

/**
 * Reports whether a string contains C0 control characters or DEL. No identifier contains them, and
 * PostgreSQL text cannot store NUL.
 */
export function hasControlCharacters(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** RFC 7519 §4.1.3: `aud` is one string or an array of strings, compared as plain strings. */
function audienceMatches(aud: unknown, accepted: readonly string[]): boolean {
  const values = Array.isArray(aud) ? aud : [aud];
  return values.some((value) => typeof value === 'string' && accepted.includes(value));
}

function checkNotBefore(value: unknown, claim: string, latest: number, message: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidClientError(`the ${claim} claim must be a number of seconds since the epoch`);
  }
  if (value > latest) throw new InvalidClientError(message);
}
