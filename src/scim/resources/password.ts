import { randomBytes, scrypt } from 'node:crypto';

// scrypt cost parameters (RFC 7914), the defaults of node:crypto's scrypt, with a 16-byte salt.
const COST = 16384;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;

/**
 * Hashes a SCIM `password` with scrypt and a random salt. Returns the parameters, salt and hash
 * as one string, `scrypt$N=…,r=…,p=…$salt$hash` with base64url parts.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await new Promise<Buffer>((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_LENGTH,
      { N: COST, r: BLOCK_SIZE, p: PARALLELISM },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
  const parameters = `N=${COST},r=${BLOCK_SIZE},p=${PARALLELISM}`;
  return `scrypt$${parameters}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}
