import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';

/** Name of the generated key file in the data directory when no encryption key is configured. */
export const ENCRYPTION_KEY_FILE = 'encryption.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;

/** Encrypts and decrypts small secrets at rest with AES-256-GCM. */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /** Whether the key came from a generated file, which production deployments must not rely on. */
  readonly generated: boolean;
}

/**
 * Builds the box from `SCIMD_KEY_ENCRYPTION_KEY`, or else from a key file in the data directory,
 * generated with mode 0600 at the first start.
 */
export function loadSecretBox(config: Config): SecretBox {
  if (config.encryptionKey) return createSecretBox(decodeKey(config.encryptionKey), false);

  const file = path.join(config.dataDir, ENCRYPTION_KEY_FILE);
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, randomBytes(KEY_BYTES).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return createSecretBox(decodeKey(fs.readFileSync(file, 'utf8').trim(), file), true);
}

function decodeKey(value: string, source = 'SCIMD_KEY_ENCRYPTION_KEY'): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(value)
    ? Buffer.from(value, 'hex')
    : Buffer.from(value, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new Error(`${source} must hold ${KEY_BYTES} bytes, as 64 hex digits or base64`);
  }
  return key;
}

function createSecretBox(key: Buffer, generated: boolean): SecretBox {
  return {
    generated,
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        'v1',
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) {
        throw new Error('sealed secret has an unknown format');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plain = Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]);
      return plain.toString('utf8');
    },
  };
}
