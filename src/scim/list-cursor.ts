import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { ENCRYPTION_KEY_FILE, loadSecretBox } from '../oauth/encryption.js';
import { ScimError } from './errors.js';

/** A sort key value as the database returns it: text, a number, or null for a missing value. */
export type SortValue = string | number | null;

/** The position after the last resource of a page: its sort key value and id. */
export interface CursorPosition {
  readonly value: SortValue;
  readonly id: string;
}

/** The query a cursor is valid for: one directory, endpoint, filter and sort. */
export interface CursorScope {
  readonly directoryId: string;
  /** `User`, `Group` or `root` for `/.search` at the directory root. */
  readonly endpoint: string;
  readonly filter: string | undefined;
  readonly sortBy: string;
  readonly descending: boolean;
}

const CURSOR_VERSION = 1;
const MAC_BYTES = 32;
const keys = new Map<string, Buffer>();

/**
 * Encodes a position as `payload.mac` in base64url, which uses only URI unreserved characters as
 * RFC 9865 requires. The MAC is HMAC-SHA256 over the payload and a hash of the scope, with a key
 * derived from the server's encryption key, so a changed, forged or foreign cursor is rejected.
 */
export function encodeCursor(config: Config, scope: CursorScope, position: CursorPosition): string {
  const payload = Buffer.from(
    JSON.stringify({ v: CURSOR_VERSION, k: position.value, i: position.id }),
  ).toString('base64url');
  return `${payload}.${mac(config, scope, payload).toString('base64url')}`;
}

/**
 * Decodes a cursor made by encodeCursor for the same scope. Throws 400 `invalidCursor` for a
 * malformed cursor, one with a wrong MAC, or one issued for another directory, endpoint, filter
 * or sort order.
 */
export function decodeCursor(config: Config, scope: CursorScope, cursor: string): CursorPosition {
  const [payload, tag, extra] = cursor.split('.');
  if (!payload || !tag || extra !== undefined) throw invalidCursor();

  const expected = mac(config, scope, payload);
  const received = Buffer.from(tag, 'base64url');
  if (received.length !== MAC_BYTES || !timingSafeEqual(received, expected)) {
    throw invalidCursor();
  }

  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const { v, k, i } = (decoded ?? {}) as { v?: unknown; k?: unknown; i?: unknown };
  const validValue = k === null || typeof k === 'string' || typeof k === 'number';
  if (v !== CURSOR_VERSION || !validValue || typeof i !== 'string') throw invalidCursor();
  return { value: k as SortValue, id: i };
}

function invalidCursor(): ScimError {
  return ScimError.of(
    'invalidCursor',
    'the cursor is invalid for this query; send an empty cursor to start again, or a nextCursor from this query',
  );
}

function mac(config: Config, scope: CursorScope, payload: string): Buffer {
  const binding = createHash('sha256')
    .update(
      JSON.stringify([
        scope.directoryId,
        scope.endpoint,
        scope.filter ?? null,
        scope.sortBy,
        scope.descending,
      ]),
    )
    .digest('base64url');
  return createHmac('sha256', cursorKey(config)).update(`${binding}.${payload}`).digest();
}

/**
 * Derives the cursor key from the encryption key (SCIMD_KEY_ENCRYPTION_KEY or the key file in the
 * data directory) with HKDF, so that every server sharing that key accepts the others' cursors.
 */
function cursorKey(config: Config): Buffer {
  const source = config.encryptionKey ?? readKeyFile(config);
  let key = keys.get(source);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', source, 'scimd', 'scim list cursor', MAC_BYTES));
    keys.set(source, key);
  }
  return key;
}

function readKeyFile(config: Config): string {
  const file = path.join(config.dataDir, ENCRYPTION_KEY_FILE);
  // The server creates the file at start; a process that has not started one creates it here.
  if (!fs.existsSync(file)) loadSecretBox(config);
  return fs.readFileSync(file, 'utf8').trim();
}
