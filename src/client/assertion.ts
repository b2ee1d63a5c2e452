import { createPrivateKey, KeyObject, randomUUID } from 'node:crypto';
import { type CryptoKey, importJWK, type JWK, SignJWT } from 'jose';

/** RFC 7521 §4.2 value of `client_assertion_type` for a JWT client assertion. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A private key as PEM (PKCS #8, or PKCS #1 for RSA), a private JWK, a `KeyObject` or a `CryptoKey`. */
export type PrivateKeyInput = string | JWK | KeyObject | CryptoKey;

export interface ClientAssertionOptions {
  /** The client id; it becomes both `iss` and `sub` (RFC 7523 §3). */
  clientId: string;
  /** The `aud` claim: the authorization server's issuer identifier, or its token endpoint URL. */
  audience: string;
  privateKey: PrivateKeyInput;
  /** Key id registered with the server, sent as the `kid` header. Default: the JWK's `kid`. */
  kid?: string;
  /**
   * JWS algorithm, such as `RS256`, `PS256`, `ES256` or `EdDSA`. Default: the JWK's `alg`, else
   * the one the key type implies (RSA → RS256, P-256 → ES256, P-384 → ES384,
   * P-521 → ES512, Ed25519 → EdDSA).
   */
  algorithm?: string;
  /** Seconds until `exp`. Default 300. */
  lifetimeSeconds?: number;
}

/**
 * Signs an RFC 7523 client assertion: `iss` = `sub` = client id, the given `aud`, `iat`, `exp`
 * and a random `jti`, so that every assertion is accepted only once.
 *
 * @example
 * ```ts
 * const assertion = await createClientAssertion({
 *   clientId: 'scimd-0123…',
 *   audience: 'https://scimd.example.com',
 *   privateKey: fs.readFileSync('private-key.pem', 'utf8'),
 *   kid: 'okta-1',
 * });
 * ```
 */
export async function createClientAssertion(options: ClientAssertionOptions): Promise<string> {
  const lifetime = options.lifetimeSeconds ?? 300;
  if (!Number.isInteger(lifetime) || lifetime <= 0) {
    throw new TypeError(`lifetimeSeconds must be a positive integer, got ${lifetime}`);
  }

  const input = options.privateKey;
  const jwk = isJwk(input) ? input : undefined;
  const algorithm = options.algorithm ?? jwk?.alg ?? inferAlgorithm(input);
  const key = jwk ? await importJWK(jwk, algorithm) : toKeyObject(input);
  const kid = options.kid ?? jwk?.kid;

  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: algorithm, typ: 'JWT', ...(kid ? { kid } : {}) })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .setJti(randomUUID())
    .sign(key);
}

/**
 * Returns the JWS algorithm that a private key's type implies, as listed on
 * `ClientAssertionOptions.algorithm`. Throws a TypeError for a key type without one.
 */
export function inferAlgorithm(key: PrivateKeyInput): string {
  if (isJwk(key)) return inferFromJwk(key);
  if (key instanceof KeyObject || typeof key === 'string')
    return inferFromKeyObject(toKeyObject(key));
  return inferFromCryptoKey(key);
}

function isJwk(key: PrivateKeyInput): key is JWK {
  return typeof key === 'object' && !(key instanceof KeyObject) && 'kty' in key;
}

function toKeyObject(key: PrivateKeyInput): KeyObject | CryptoKey {
  return typeof key === 'string' ? createPrivateKey(key) : (key as KeyObject | CryptoKey);
}

const CURVE_ALGORITHMS: Record<string, string> = {
  'P-256': 'ES256',
  prime256v1: 'ES256',
  'P-384': 'ES384',
  secp384r1: 'ES384',
  'P-521': 'ES512',
  secp521r1: 'ES512',
};

function inferFromJwk(jwk: JWK): string {
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  const algorithm = jwk.kty === 'EC' && jwk.crv ? CURVE_ALGORITHMS[jwk.crv] : undefined;
  if (!algorithm) throw new TypeError(`no signing algorithm for JWK kty ${jwk.kty} crv ${jwk.crv}`);
  return algorithm;
}

function inferFromKeyObject(key: KeyObject | CryptoKey): string {
  if (!(key instanceof KeyObject)) return inferFromCryptoKey(key);

  const type = key.asymmetricKeyType;
  if (type === 'rsa') return 'RS256';
  if (type === 'rsa-pss') {
    // Node cannot export such a key as a JWK, which jose needs to sign with it.
    throw new TypeError(
      'RSA-PSS-only keys (OID id-RSASSA-PSS) are not supported: use a plain RSA key with algorithm PS256',
    );
  }
  if (type === 'ed25519') return 'EdDSA';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const algorithm = type === 'ec' && curve ? CURVE_ALGORITHMS[curve] : undefined;
  if (!algorithm) throw new TypeError(`no signing algorithm for a ${type ?? 'secret'} key`);
  return algorithm;
}

function inferFromCryptoKey(key: CryptoKey): string {
  const algorithm = key.algorithm as { name: string; hash?: { name: string }; namedCurve?: string };
  const bits = algorithm.hash?.name.replace('SHA-', '') ?? '256';
  if (algorithm.name === 'RSASSA-PKCS1-v1_5') return `RS${bits}`;
  if (algorithm.name === 'RSA-PSS') return `PS${bits}`;
  if (algorithm.name === 'Ed25519') return 'EdDSA';
  const curveAlgorithm = algorithm.namedCurve ? CURVE_ALGORITHMS[algorithm.namedCurve] : undefined;
  if (algorithm.name === 'ECDSA' && curveAlgorithm) return curveAlgorithm;
  throw new TypeError(`no signing algorithm for a ${algorithm.name} key`);
}
