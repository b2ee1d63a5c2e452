import type { FastifyError, FastifyPluginAsync } from 'fastify';
import {
  countAdminUsers,
  createAdminUser,
  parseAdminEmail,
  parseNewPassword,
  signInAdminUser,
} from '../../directory/admin-users.js';
import { verifyAdminToken } from '../../directory/bootstrap.js';
import { ConflictError, InvalidFieldError } from '../../directory/errors.js';
import { rejectUnknownFields, requireObject, requireString } from '../../directory/validation.js';
import type { AppContext } from '../../server/context.js';
import { type AdminErrorBody, sendAdminError } from '../plugin.js';
import {
  type ConsoleSession,
  CSRF_FAILED,
  checkSession,
  endSession,
  startSession,
} from './sessions.js';
import { consoleStatic } from './static.js';

/**
 * The console's server side: its static files under `/console`, and sign-in, sign-out and
 * first-admin setup under `/console/api`. Everything else the console does goes through the
 * admin API with the session cookie.
 */
export const consolePlugin: FastifyPluginAsync<{ context: AppContext }> = async (
  app,
  { context },
) => {
  const { storage } = context;
  app.setErrorHandler((error: FastifyError, request, reply) =>
    sendAdminError(error, request, reply),
  );

  await app.register(consoleStatic);

  app.get('/console/api/setup', async () => ({
    needed: (await countAdminUsers(storage)) === 0,
  }));

  // First start: a caller with the bootstrap admin token creates the first console admin.
  app.post('/console/api/setup', async (request, reply) => {
    const body = requireJsonBody(request.headers['content-type'], request.body);
    rejectUnknownFields(body, ['adminToken', 'email', 'password']);
    const adminToken = requireString(body, 'adminToken', 1000);
    if (!(await verifyAdminToken(storage, context.config, adminToken))) {
      return reply.code(401).send({
        error: 'unauthorized',
        message: 'the admin token is invalid',
        field: 'adminToken',
      } satisfies AdminErrorBody);
    }
    if ((await countAdminUsers(storage)) > 0) {
      throw new ConflictError(
        'a console admin exists already; sign in, or add admins with `scimd admin create-user`',
      );
    }

    const user = await createAdminUser(storage, {
      email: parseAdminEmail(body.email),
      password: parseNewPassword(body.password),
    });
    request.log.info({ adminUserId: user.id }, 'first console admin created');
    const session = await startSession(storage, context.config, user, reply);
    return reply.code(201).send(presentSession(session));
  });

  app.post('/console/api/session', async (request, reply) => {
    const body = requireJsonBody(request.headers['content-type'], request.body);
    rejectUnknownFields(body, ['email', 'password']);
    const email = requireString(body, 'email', 320);
    const password = typeof body.password === 'string' ? body.password : '';

    const result = await signInAdminUser(storage, email, password);
    if (result.outcome === 'locked') {
      request.log.info({ retryAfterSeconds: result.retryAfterSeconds }, 'console sign-in locked');
      reply.header('retry-after', String(result.retryAfterSeconds));
      return reply.code(429).send({
        error: 'locked',
        message: `too many failed sign-ins; try again in ${result.retryAfterSeconds} seconds`,
      } satisfies AdminErrorBody);
    }
    if (result.outcome === 'invalid') {
      request.log.info('console sign-in failed');
      return reply.code(401).send({
        error: 'unauthorized',
        message: 'the email address or password is wrong',
      } satisfies AdminErrorBody);
    }

    request.log.info({ adminUserId: result.user.id }, 'console sign-in');
    const session = await startSession(storage, context.config, result.user, reply);
    return reply.code(201).send(presentSession(session));
  });

  app.get('/console/api/session', async (request, reply) => {
    const check = await checkSession(storage, context.config, request);
    if (check.status !== 'ok') {
      return reply.code(401).send({
        error: 'unauthorized',
        message: 'not signed in, or the session has expired',
      } satisfies AdminErrorBody);
    }
    reply.header('cache-control', 'no-store');
    return presentSession(check.session);
  });

  app.delete('/console/api/session', async (request, reply) => {
    const check = await checkSession(storage, context.config, request);
    if (check.status === 'csrf_failed') return reply.code(403).send(CSRF_FAILED);
    await endSession(storage, context.config, request, reply);
    return reply.code(204).send();
  });
};

/**
 * Sign-in and setup accept JSON only. A cross-site form can send url-encoded bodies but never
 * JSON, so this check closes login CSRF.
 */
function requireJsonBody(contentType: string | undefined, body: unknown) {
  if (!contentType?.toLowerCase().startsWith('application/json')) {
    throw new InvalidFieldError('content-type', 'must be application/json');
  }
  return requireObject(body);
}

function presentSession(session: ConsoleSession) {
  return {
    email: session.user.email,
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt,
  };
}
