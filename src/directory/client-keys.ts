import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import type { JSONWebKeySet, JWK } from 'jose';
import { InvalidFieldError } from './errors.js';

/** Key types a client may register; symmetric (`oct`) keys are never accepted. */
const PUBLIC_KEY_TYPES = ['RSA', 'EC', 'OKP'];
/** JWK members that only private keys carry (RFC 7518 §6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_KEYS = 20;
const MIN_RSA_BITS = 2048;

/**
 * Checks a JWKS submitted for a client: every key is a public RSA, EC or OKP key with a unique
 * `kid`, meant for signatures, and readable by node:crypto. Returns the keys without unknown
 * members that could widen their use.
 */
export function validateClientJwks(value: unknown): JSONWebKeySet {
  if (
    typeof value !== 'object' ||
    value === null ||
    !Array.isArray((value as { keys?: unknown }).keys)
  ) {
    throw new InvalidFieldError('jwks', 'must be an object with a "keys" array');
  }
  const keys = (value as { keys: unknown[] }).keys;
  if (keys.length === 0) throw new InvalidFieldError('jwks.keys', 'must contain at least one key');
  if (keys.length > MAX_KEYS) {
    throw new InvalidFieldError('jwks.keys', `must contain at most ${MAX_KEYS} keys`);
  }

  const seen = new Set<string>();
  const checked = keys.map((key, index) => {
    const jwk = validateKey(key, `jwks.keys[${index}]`);
    if (seen.has(jwk.kid!)) {
      throw new InvalidFieldError(`jwks.keys[${index}].kid`, `duplicates kid "${jwk.kid}"`);
    }
    seen.add(jwk.kid!);
    return jwk;
  });
  return { keys: checked };
}

function validateKey(value: unknown, field: string): JWK {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidFieldError(field, 'must be a JSON Web Key object');
  }
  const jwk = value as JWK;

  if (typeof jwk.kid !== 'string' || jwk.kid.trim() === '' || jwk.kid.length > 200) {
    throw new InvalidFieldError(`${field}.kid`, 'is required: a non-empty string naming the key');
  }
  if (typeof jwk.kty !== 'string' || !PUBLIC_KEY_TYPES.includes(jwk.kty)) {
    throw new InvalidFieldError(`${field}.kty`, `must be one of ${PUBLIC_KEY_TYPES.join(', ')}`);
  }
  const privateMember = PRIVATE_MEMBERS.find((member) => member in jwk);
  if (privateMember) {
    throw new InvalidFieldError(
      `${field}.${privateMember}`,
      'is a private key member: register only the public key',
    );
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    throw new InvalidFieldError(`${field}.use`, 'must be "sig" when present');
  }
  if (jwk.alg !== undefined && typeof jwk.alg !== 'string') {
    throw new InvalidFieldError(`${field}.alg`, 'must be a string when present');
  }

  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch (error) {
    throw new InvalidFieldError(field, `is not a valid public key: ${(error as Error).message}`);
  }
  const bits = keyObject.asymmetricKeyDetails?.modulusLength;
  if (jwk.kty === 'RSA' && bits !== undefined && bits < MIN_RSA_BITS) {
    throw new InvalidFieldError(field, `RSA keys must have at least ${MIN_RSA_BITS} bits`);
  }

  // Export again so that only the standard public members are stored.
  const exported = keyObject.export({ format: 'jwk' }) as JWK;
  return {
    ...exported,
    kid: jwk.kid,
    ...(jwk.alg ? { alg: jwk.alg } : {}),
    ...(jwk.use ? { use: jwk.use } : {}),
  };
}

/**
 * Checks a client's JWKS URL: HTTPS, or `http://` on a loopback host when `allowLoopback` is set.
 * Addresses are checked again when the URL is fetched, after name resolution.
 */
export function validateJwksUri(value: unknown, allowLoopback: boolean): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidFieldError('jwksUri', 'must be a non-empty URL string');
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new InvalidFieldError('jwksUri', 'is not a valid URL');
  }
  if (url.username || url.password) {
    throw new InvalidFieldError('jwksUri', 'must not contain credentials');
  }
  if (url.protocol === 'https:') return url.toString();
  if (url.protocol === 'http:' && allowLoopback && isLoopbackHost(url.hostname)) {
    return url.toString();
  }
  const hint = allowLoopback
    ? 'http:// is allowed only on loopback addresses'
    : 'set SCIMD_JWKS_ALLOW_LOOPBACK=true to allow http:// on loopback addresses for testing';
  throw new InvalidFieldError('jwksUri', `must use https (${hint})`);
}

/** Whether a URL host names the loopback interface. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
