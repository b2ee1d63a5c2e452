import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Storage } from '../storage/database.js';
import { newId, nowIso } from '../storage/ids.js';
import type { AdminUserTable } from '../storage/schema.js';
import { ConflictError, InvalidFieldError } from './errors.js';

/** An account that signs in to the web console with an email address and a password. */
export interface AdminUser {
  id: string;
  email: string;
  createdAt: string;
}

/** scrypt cost: N = 2^15, r = 8 needs 32 MiB per hash, which is what makes guessing expensive. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;
const SCRYPT_MAXMEM = 64 * 1024 * 1024;

/** Consecutive failures allowed before the account locks; each failure after that doubles the lock. */
export const LOCKOUT_THRESHOLD = 5;
/** First lock after the threshold, in milliseconds; it doubles up to `MAX_LOCK_MS`. */
const FIRST_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;

export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;

/** Outcome of a sign-in attempt; `locked` carries when the next attempt is allowed. */
export type SignInResult =
  | { outcome: 'ok'; user: AdminUser }
  | { outcome: 'invalid' }
  | { outcome: 'locked'; retryAfterSeconds: number };

/** Checks an email address's shape and returns it lower-cased. */
export function parseAdminEmail(value: unknown): string {
  if (typeof value !== 'string') throw new InvalidFieldError('email', 'must be a string');
  const email = value.trim().toLowerCase();
  if (email.length > 320 || !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new InvalidFieldError('email', 'must be an email address such as admin@example.com');
  }
  return email;
}

/** Checks a new password's length; the password itself is never trimmed or changed. */
export function parseNewPassword(value: unknown): string {
  if (typeof value !== 'string') throw new InvalidFieldError('password', 'must be a string');
  if (value.length < MIN_PASSWORD_LENGTH || value.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidFieldError(
      'password',
      `must be from ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`,
    );
  }
  return value;
}

/** Creates a console admin; the email address is unique on the server. */
export async function createAdminUser(
  storage: Storage,
  input: { email: string; password: string },
): Promise<AdminUser> {
  const now = nowIso();
  const row: AdminUserTable = {
    id: newId(),
    email: parseAdminEmail(input.email),
    password_hash: await hashPassword(parseNewPassword(input.password)),
    failed_attempts: 0,
    locked_until: null,
    created_at: now,
    updated_at: now,
  };
  try {
    await storage.db.insertInto('admin_users').values(row).execute();
  } catch (error) {
    if (storage.dialect.isUniqueViolation(error)) {
      throw new ConflictError(`an admin with email ${row.email} already exists`, 'email');
    }
    throw error;
  }
  return toAdminUser(row);
}

export async function countAdminUsers(storage: Storage): Promise<number> {
  const row = await storage.db
    .selectFrom('admin_users')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function findAdminUser(storage: Storage, id: string): Promise<AdminUser | undefined> {
  const row = await storage.db
    .selectFrom('admin_users')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toAdminUser(row) : undefined;
}

/**
 * Checks an email and password. An unknown email costs the same hash as a known one. After
 * `LOCKOUT_THRESHOLD` consecutive failures the account refuses every attempt, right or wrong,
 * until its lock ends; each further failure doubles the lock, up to 15 minutes.
 */
export async function signInAdminUser(
  storage: Storage,
  email: string,
  password: string,
  now = new Date(),
): Promise<SignInResult> {
  const row = await storage.db
    .selectFrom('admin_users')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  if (!row) {
    await verifyPassword(password, DUMMY_HASH);
    return { outcome: 'invalid' };
  }

  if (row.locked_until && Date.parse(row.locked_until) > now.getTime()) {
    const seconds = Math.ceil((Date.parse(row.locked_until) - now.getTime()) / 1000);
    return { outcome: 'locked', retryAfterSeconds: seconds };
  }

  if (await verifyPassword(password, row.password_hash)) {
    await storage.db
      .updateTable('admin_users')
      .set({ failed_attempts: 0, locked_until: null, updated_at: now.toISOString() })
      .where('id', '=', row.id)
      .execute();
    return { outcome: 'ok', user: toAdminUser(row) };
  }

  // Incremented in SQL, so that parallel guesses each count.
  await storage.db
    .updateTable('admin_users')
    .set((eb) => ({
      failed_attempts: eb('failed_attempts', '+', 1),
      updated_at: now.toISOString(),
    }))
    .where('id', '=', row.id)
    .execute();
  const { failed_attempts: failures } = await storage.db
    .selectFrom('admin_users')
    .select('failed_attempts')
    .where('id', '=', row.id)
    .executeTakeFirstOrThrow();

  const lockMs =
    failures >= LOCKOUT_THRESHOLD
      ? Math.min(FIRST_LOCK_MS * 2 ** (failures - LOCKOUT_THRESHOLD), MAX_LOCK_MS)
      : 0;
  if (lockMs > 0) {
    await storage.db
      .updateTable('admin_users')
      .set({ locked_until: new Date(now.getTime() + lockMs).toISOString() })
      .where('id', '=', row.id)
      .execute();
  }
  return lockMs > 0
    ? { outcome: 'locked', retryAfterSeconds: Math.ceil(lockMs / 1000) }
    : { outcome: 'invalid' };
}

/** Hashes a password with scrypt and a random salt, in the form `scrypt$N$r$p$salt$hash`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltLength);
  const hash = await derive(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  return [
    'scrypt',
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;

  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(
    password,
    Buffer.from(salt, 'base64url'),
    Number(n),
    Number(r),
    Number(p),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function derive(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, SCRYPT.keyLength, { N, r, p, maxmem: SCRYPT_MAXMEM }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** A hash of a random password, checked when the email is unknown so that timing reveals nothing. */
const DUMMY_HASH = [
  'scrypt',
  SCRYPT.N,
  SCRYPT.r,
  SCRYPT.p,
  randomBytes(SCRYPT.saltLength).toString('base64url'),
  randomBytes(SCRYPT.keyLength).toString('base64url'),
].join('$');

function toAdminUser(row: AdminUserTable): AdminUser {
  return { id: row.id, email: row.email, createdAt: row.created_at };
}
