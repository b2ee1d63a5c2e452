import { randomUUID } from 'node:crypto';
import { type CryptoKey, importJWK, importPKCS8, type JWK, type KeyObject, SignJWT } from 'jose';

/** RFC 7521 §4.2 value of `client_assertion_type` for a JWT client assertion. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface ClientAssertionOptions {
  clientId: string;
  /** The authorization server's issuer URL or token endpoint URL. */
  audience: string;
  /** Private key as PEM (PKCS #8), a private JWK, or a key object. */
  privateKey: string | JWK | KeyObject | CryptoKey;
  /** Key id registered with the server; sent as the `kid` header. */
  kid?: string;
  /** Signing algorithm. Default `RS256`, or the JWK's `alg` when it has one. */
  algorithm?: string;
  /** Lifetime in seconds. Default 300. */
  lifetimeSeconds?: number;
}

/** Signs an RFC 7523 client assertion with `iss` = `sub` = client id and a unique `jti`. */
export async function createClientAssertion(options: ClientAssertionOptions): Promise<string> {
  const algorithm =
    options.algorithm ??
    (typeof options.privateKey === 'object' && 'alg' in options.privateKey
      ? String(options.privateKey.alg)
      : 'RS256');
  const key = await toSigningKey(options.privateKey, algorithm);
  const now = Math.floor(Date.now() / 1000);

  return new SignJWT({})
    .setProtectedHeader({
      alg: algorithm,
      typ: 'JWT',
      ...(options.kid ? { kid: options.kid } : {}),
    })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.lifetimeSeconds ?? 300))
    .setJti(randomUUID())
    .sign(key);
}

async function toSigningKey(
  key: ClientAssertionOptions['privateKey'],
  algorithm: string,
): Promise<CryptoKey | KeyObject | Uint8Array> {
  if (typeof key === 'string') return importPKCS8(key, algorithm);
  if ('kty' in key && typeof key.kty === 'string') return importJWK(key as JWK, algorithm);
  return key as CryptoKey | KeyObject;
}
