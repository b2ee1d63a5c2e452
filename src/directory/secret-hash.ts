import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of randomness in a generated secret: 256 bits, beyond any guessing. */
const SECRET_BYTES = 32;
const SALT_BYTES = 16;
const FORMAT = 's256';

/** Returns a new random secret, base64url-encoded (43 characters). */
export function generateSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/**
 * Hashes a generated secret with a random salt as `s256$salt$digest`. One SHA-256 round suffices
 * because the secret carries 256 random bits: a slow password hash defends low-entropy input,
 * and would only cost CPU on every authentication here.
 */
export function hashSecret(secret: string): string {
  const salt = randomBytes(SALT_BYTES);
  return `${FORMAT}$${salt.toString('base64url')}$${digest(salt, secret).toString('base64url')}`;
}

/** Compares a presented secret with a stored hash in constant time. */
export function verifySecret(secret: string, stored: string): boolean {
  const [format, salt, expected] = stored.split('$');
  if (format !== FORMAT || !salt || !expected) return false;

  const actual = digest(Buffer.from(salt, 'base64url'), secret);
  const storedDigest = Buffer.from(expected, 'base64url');
  return storedDigest.length === actual.length && timingSafeEqual(actual, storedDigest);
}

function digest(salt: Buffer, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret, 'utf8').digest();
}
