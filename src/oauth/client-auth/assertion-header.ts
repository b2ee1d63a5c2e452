import { decodeProtectedHeader } from 'jose';
import { InvalidClientError } from '../errors.js';
import {
  ASSERTION_ALGORITHMS,
  type AssertionAlgorithm,
  isAssertionAlgorithm,
} from './algorithms.js';

/** The parts of a client assertion's JOSE header that select and check the key. */
export interface AssertionHeader {
  alg: AssertionAlgorithm;
  kid: string | undefined;
}

/** Header parameters that carry key material or point to it; keys come only from registration. */
const KEY_SOURCE_HEADERS = ['jku', 'x5u', 'jwk'];

/** Accepted `typ` values: none, the generic JWT type, or the client-authentication type. */
const ACCEPTED_TYPES = ['jwt', 'client-authentication+jwt'];

/** Longest accepted `kid`, in characters, as for registered keys. */
const MAX_KID_LENGTH = 200;

const ALGORITHM_LIST = ASSERTION_ALGORITHMS.join(', ');

/**
 * Checks the header of a client assertion before any key is looked up. The assertion must be a
 * compact JWS with an `alg` on the allow-list. It must not bring its own key or require extensions
 * that this server does not implement (RFC 7515 §4.1.11, RFC 8725 §3.1 and §3.10).
 */
export function readAssertionHeader(assertion: string): AssertionHeader {
  if (assertion.split('.').length !== 3) {
    throw new InvalidClientError(
      'the client assertion must be a signed JWT in compact serialization (three base64url parts)',
    );
  }

  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(assertion) as Record<string, unknown>;
  } catch {
    throw new InvalidClientError('the client assertion header is not base64url-encoded JSON');
  }

  const alg = header.alg;
  if (typeof alg !== 'string' || alg === '') {
    throw new InvalidClientError('the client assertion header has no alg');
  }
  if (alg === 'none') {
    throw new InvalidClientError(
      `alg none is not allowed: sign the client assertion with the client's private key using one of ${ALGORITHM_LIST}`,
    );
  }
  if (/^HS\d+$/.test(alg)) {
    throw new InvalidClientError(
      `alg ${alg} is not allowed: HMAC needs a shared secret; sign with the client's private key using one of ${ALGORITHM_LIST}`,
    );
  }
  if (!isAssertionAlgorithm(alg)) {
    throw new InvalidClientError(
      `alg ${JSON.stringify(alg)} is not supported; use one of ${ALGORITHM_LIST}`,
    );
  }

  const keySource = KEY_SOURCE_HEADERS.find((name) => name in header);
  if (keySource) {
    throw new InvalidClientError(
      `the client assertion header must not contain ${keySource}: keys are taken only from the client's registered JWKS or jwks_uri`,
    );
  }

  if ('crit' in header) {
    throw new InvalidClientError(
      `the client assertion header lists critical parameters (crit) that this server does not support: ${JSON.stringify(header.crit)}`,
    );
  }

  const typ = header.typ;
  if (typ !== undefined && !isAcceptedType(typ)) {
    throw new InvalidClientError(
      `the client assertion typ ${JSON.stringify(typ)} is not accepted; use JWT or client-authentication+jwt, or leave typ out`,
    );
  }

  const kid = header.kid;
  if (kid !== undefined && (typeof kid !== 'string' || kid === '' || kid.length > MAX_KID_LENGTH)) {
    throw new InvalidClientError(
      `the client assertion kid must be a non-empty string of at most ${MAX_KID_LENGTH} characters`,
    );
  }
  return { alg, kid };
}

/** Media types compare case-insensitively, and the `application/` prefix may be left out (RFC 7515 §4.1.9). */
function isAcceptedType(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const type = typ.toLowerCase().replace(/^application\//, '');
  return ACCEPTED_TYPES.includes(type);
}
