import type { JWK } from 'jose';

/**
 * Signature algorithms accepted for client assertions: asymmetric only, so that a public key can
 * never be used as an HMAC secret (RFC 8725 §3.1, §3.2).
 */
export const ASSERTION_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export type AssertionAlgorithm = (typeof ASSERTION_ALGORITHMS)[number];

export function isAssertionAlgorithm(alg: string): alg is AssertionAlgorithm {
  return (ASSERTION_ALGORITHMS as readonly string[]).includes(alg);
}

/** Key type and curve each algorithm needs (RFC 7518 §3, RFC 8037 §3.1). */
const KEY_SHAPES: Record<AssertionAlgorithm, { kty: string; crv?: string }> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
  // jose verifies EdDSA with Ed25519 keys only.
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
};

/** JWK members that only private or symmetric keys carry (RFC 7518 §6). */
const SECRET_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * Returns why a JWK cannot verify a signature made with `alg`, or undefined when it can. A key
 * bound to an algorithm by its `alg` member verifies only that algorithm (RFC 8725 §3.1).
 */
export function keyMismatch(jwk: JWK, alg: AssertionAlgorithm): string | undefined {
  const shape = KEY_SHAPES[alg];

  if (SECRET_MEMBERS.some((member) => member in jwk)) {
    return 'it contains private key material';
  }
  if (jwk.kty !== shape.kty) {
    return `${alg} needs kty ${shape.kty}, but the key has kty ${String(jwk.kty)}`;
  }
  if (shape.crv && jwk.crv !== shape.crv) {
    return `${alg} needs curve ${shape.crv}, but the key has crv ${String(jwk.crv)}`;
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) {
    return `the key is registered for alg ${String(jwk.alg)}`;
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    return `the key is registered for use ${String(jwk.use)}, not sig`;
  }
  if (jwk.key_ops !== undefined && !jwk.key_ops.includes('verify')) {
    return 'the key_ops of the key do not include verify';
  }
  return undefined;
}
