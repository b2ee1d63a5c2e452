import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/index.js';
import { type AdminUser, findAdminUser } from '../../directory/admin-users.js';
import type { Storage } from '../../storage/database.js';
import type { AdminErrorBody } from '../plugin.js';

/** Name of the cookie that carries the console session. */
export const SESSION_COOKIE = 'scimd_session';
/** Header in which the console echoes the session's CSRF token on every state change. */
export const CSRF_HEADER = 'x-csrf-token';

/** A live console session, read from its cookie. */
export interface ConsoleSession {
  user: AdminUser;
  csrfToken: string;
  expiresAt: string;
}

/** Result of authenticating a request by its session cookie. */
export type SessionCheck =
  | { status: 'none' }
  | { status: 'csrf_failed' }
  | { status: 'ok'; session: ConsoleSession };

/** Error body for a state change whose session cookie came without the matching CSRF token. */
export const CSRF_FAILED: AdminErrorBody = {
  error: 'csrf_failed',
  message: 'the X-CSRF-Token header is missing or does not match the session',
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Starts a session for a signed-in admin and sets its cookie on the reply. */
export async function startSession(
  storage: Storage,
  config: Config,
  user: AdminUser,
  reply: FastifyReply,
): Promise<ConsoleSession> {
  const value = randomBytes(32).toString('base64url');
  const now = new Date();
  const session: ConsoleSession = {
    user,
    csrfToken: randomBytes(32).toString('base64url'),
    expiresAt: expiry(config, now, now),
  };
  await storage.db
    .insertInto('admin_sessions')
    .values({
      id_hash: sha256(value),
      admin_user_id: user.id,
      csrf_token: session.csrfToken,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: session.expiresAt,
    })
    .execute();

  // Sign-ins are rare, so each one also sweeps the sessions that have ended.
  await deleteExpiredSessions(storage, now);

  reply.header('set-cookie', sessionCookie(config, value, config.consoleSessionMaxSeconds));
  return session;
}

/**
 * Reads the session cookie. A live session slides its idle expiry forward. A request that changes
 * state must also echo the session's CSRF token in `X-CSRF-Token`.
 */
export async function checkSession(
  storage: Storage,
  config: Config,
  request: FastifyRequest,
): Promise<SessionCheck> {
  const value = readSessionCookie(request);
  if (!value) return { status: 'none' };

  const now = new Date();
  const row = await storage.db
    .selectFrom('admin_sessions')
    .selectAll()
    .where('id_hash', '=', sha256(value))
    .executeTakeFirst();
  if (!row || Date.parse(row.expires_at) <= now.getTime()) return { status: 'none' };

  const user = await findAdminUser(storage, row.admin_user_id);
  if (!user) return { status: 'none' };

  if (
    !SAFE_METHODS.has(request.method) &&
    !sameToken(request.headers[CSRF_HEADER], row.csrf_token)
  ) {
    return { status: 'csrf_failed' };
  }

  const expiresAt = expiry(config, new Date(row.created_at), now);
  await storage.db
    .updateTable('admin_sessions')
    .set({ last_seen_at: now.toISOString(), expires_at: expiresAt })
    .where('id_hash', '=', row.id_hash)
    .execute();
  return { status: 'ok', session: { user, csrfToken: row.csrf_token, expiresAt } };
}

/** Ends the session named by the request's cookie, if any, and clears the cookie. */
export async function endSession(
  storage: Storage,
  config: Config,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const value = readSessionCookie(request);
  if (value) {
    await storage.db.deleteFrom('admin_sessions').where('id_hash', '=', sha256(value)).execute();
  }
  reply.header('set-cookie', sessionCookie(config, '', 0));
}

/** Removes sessions that have expired and returns how many it removed. */
export async function deleteExpiredSessions(storage: Storage, now = new Date()): Promise<number> {
  const result = await storage.db
    .deleteFrom('admin_sessions')
    .where('expires_at', '<=', now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The session ends at the earlier of idle timeout from now and the absolute limit from sign-in. */
function expiry(config: Config, createdAt: Date, now: Date): string {
  const idle = now.getTime() + config.consoleSessionIdleSeconds * 1000;
  const absolute = createdAt.getTime() + config.consoleSessionMaxSeconds * 1000;
  return new Date(Math.min(idle, absolute)).toISOString();
}

function sessionCookie(config: Config, value: string, maxAgeSeconds: number): string {
  const attributes = [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  // Read per request: the public URL is known only once the server has bound its port.
  if (config.publicUrl.startsWith('https:')) attributes.push('Secure');
  return attributes.join('; ');
}

function readSessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return rest.join('=') || undefined;
  }
  return undefined;
}

function sameToken(presented: string | string[] | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(sha256(presented));
  const b = Buffer.from(sha256(expected));
  return timingSafeEqual(a, b);
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
