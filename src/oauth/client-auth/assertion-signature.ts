import { constants, createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { JWK } from 'jose';
import { InvalidClientError } from '../errors.js';
import type { AssertionAlgorithm } from './algorithms.js';

/** Minimum RSA modulus, in bits (RFC 7518 §3.3 and §3.5). */
const MIN_RSA_BITS = 2048;

/** Maximum number of imported public keys kept; the cache is emptied when it is full. */
const MAX_CACHED_KEYS = 1000;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Digest, padding and signature encoding that node:crypto uses for each algorithm. */
const VERIFY_PARAMS: Record<
  AssertionAlgorithm,
  { digest: string | null; padding?: number; saltLength?: number; ecdsa?: boolean }
> = {
  RS256: { digest: 'sha256', padding: constants.RSA_PKCS1_PADDING },
  RS384: { digest: 'sha384', padding: constants.RSA_PKCS1_PADDING },
  RS512: { digest: 'sha512', padding: constants.RSA_PKCS1_PADDING },
  // RFC 7518 §3.5: the PSS salt is as long as the digest.
  PS256: { digest: 'sha256', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
  PS384: { digest: 'sha384', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 },
  PS512: { digest: 'sha512', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 },
  // RFC 7518 §3.4: an ECDSA signature is R and S concatenated, not DER.
  ES256: { digest: 'sha256', ecdsa: true },
  ES384: { digest: 'sha384', ecdsa: true },
  ES512: { digest: 'sha512', ecdsa: true },
  EdDSA: { digest: null },
};

/**
 * Imported public keys by their key material. A key whose material changes gets a new entry, so
 * a rotated or replaced key never verifies with the old material.
 */
const importedKeys = new Map<string, KeyObject>();

/**
 * Verifies the signature of a compact JWS with a registered public key, using node:crypto with
 * the imported key cached. The header has been checked before (alg allow-list, no `crit`, no
 * embedded keys), and `keyMismatch` has checked that the key fits `alg`. Throws
 * InvalidClientError when the key is unusable or the signature does not verify.
 */
export function verifyAssertionSignature(
  assertion: string,
  jwk: JWK,
  alg: AssertionAlgorithm,
  detail: Record<string, unknown>,
): void {
  const key = importPublicKey(jwk, alg, detail);

  const lastDot = assertion.lastIndexOf('.');
  const encodedSignature = assertion.slice(lastDot + 1);
  // Buffer skips characters outside the alphabet, so they are rejected here first.
  if (!BASE64URL.test(encodedSignature)) {
    throw new InvalidClientError('the client assertion signature is not base64url-encoded', detail);
  }
  const signingInput = Buffer.from(assertion.slice(0, lastDot), 'ascii');
  const signature = Buffer.from(encodedSignature, 'base64url');
  const params = VERIFY_PARAMS[alg];

  let valid: boolean;
  try {
    valid = verify(
      params.digest,
      signingInput,
      {
        key,
        padding: params.padding,
        saltLength: params.saltLength,
        dsaEncoding: params.ecdsa ? 'ieee-p1363' : undefined,
      },
      signature,
    );
  } catch (error) {
    throw new InvalidClientError(
      `the client assertion could not be verified: ${(error as Error).message}`,
      detail,
    );
  }
  if (!valid) throw new InvalidClientError('signature verification failed', detail);
}

function importPublicKey(
  jwk: JWK,
  alg: AssertionAlgorithm,
  detail: Record<string, unknown>,
): KeyObject {
  // The public members identify the key; `kid`, `use` and `alg` were checked by keyMismatch.
  const material = JSON.stringify([jwk.kty, jwk.crv, jwk.n, jwk.e, jwk.x, jwk.y]);
  const cached = importedKeys.get(material);
  if (cached) return checkKeySize(cached, jwk, alg, detail);

  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as never, format: 'jwk' });
  } catch (error) {
    throw new InvalidClientError(
      `the key ${JSON.stringify(jwk.kid ?? '')} is not a valid public key for ${alg}`,
      { ...detail, cause: (error as Error).message },
    );
  }

  if (importedKeys.size >= MAX_CACHED_KEYS) importedKeys.clear();
  importedKeys.set(material, key);
  return checkKeySize(key, jwk, alg, detail);
}

/** Rejects RSA keys under 2048 bits, as jose does. */
function checkKeySize(
  key: KeyObject,
  jwk: JWK,
  alg: AssertionAlgorithm,
  detail: Record<string, unknown>,
): KeyObject {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits !== undefined && bits < MIN_RSA_BITS) {
    throw new InvalidClientError(
      `the client assertion could not be verified: ${alg} requires an RSA key of at least ${MIN_RSA_BITS} bits, but the key ${JSON.stringify(jwk.kid ?? '')} has ${bits}`,
      detail,
    );
  }
  return key;
}
