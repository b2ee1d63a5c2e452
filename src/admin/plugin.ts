import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { verifyAdminToken } from '../directory/bootstrap.js';
import { DirectoryError } from '../directory/errors.js';
import type { AppContext } from '../server/context.js';
import { setRequestActor } from '../server/request-context.js';
import { CSRF_FAILED, checkSession } from './console/sessions.js';
import { auditRoutes } from './routes/audit.js';
import { clientSecretRoutes } from './routes/client-secrets.js';
import { clientRoutes } from './routes/clients.js';
import { directoryRoutes } from './routes/directories.js';
import { directoryApiTokenRoutes } from './routes/directory-api-tokens.js';
import { directoryContentRoutes } from './routes/directory-contents.js';
import { organizationRoutes } from './routes/organizations.js';
import { remoteKeyRoutes } from './routes/remote-keys.js';
import { scimOptionRoutes } from './routes/scim-options.js';
import { serviceAccountRoutes } from './routes/service-accounts.js';
import { suspensionRoutes } from './routes/suspensions.js';
import type { AdminServices } from './services.js';

/** Body of every admin API error: a stable code, a sentence, and the field at fault if any. */
export interface AdminErrorBody {
  error: string;
  message: string;
  field?: string;
}

/** The admin REST API under `/admin/v1`, authenticated with the admin bearer token or a console session. */
export const adminPlugin: FastifyPluginAsync<{
  context: AppContext;
  services: AdminServices;
}> = async (app, { context, services }) => {
  app.addHook('onRequest', async (request, reply) => {
    const token = readBearerToken(request);
    if (token && (await verifyAdminToken(context.storage, context.config, token))) {
      setRequestActor(request, { type: 'admin', id: 'admin-token' });
      return;
    }

    // The web console authenticates with its session cookie, plus a CSRF header on state changes.
    if (!request.headers.authorization) {
      const check = await checkSession(context.storage, context.config, request);
      if (check.status === 'ok') {
        setRequestActor(request, { type: 'admin', id: check.session.user.id });
        return;
      }
      if (check.status === 'csrf_failed') return reply.code(403).send(CSRF_FAILED);
    }

    reply.header('www-authenticate', 'Bearer realm="scimd-admin"');
    return reply.code(401).send({
      error: 'unauthorized',
      message: token
        ? 'the admin token is invalid'
        : 'missing admin token: send Authorization: Bearer <admin token>',
    } satisfies AdminErrorBody);
  });

  app.setErrorHandler((error: FastifyError, request, reply) =>
    sendAdminError(error, request, reply),
  );
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: 'not_found',
      message: `no admin route ${request.method} ${request.url}`,
    } satisfies AdminErrorBody),
  );

  await app.register(organizationRoutes, { context });
  await app.register(serviceAccountRoutes, { context });
  await app.register(clientRoutes, { context });
  await app.register(directoryRoutes, { context });
  await app.register(auditRoutes, { context });
  await app.register(suspensionRoutes, { context });
  await app.register(directoryContentRoutes, { context, contents: services.directoryContents });
  await app.register(remoteKeyRoutes, { context, remoteKeys: services.remoteKeys });
  await app.register(clientSecretRoutes, { context });
  await app.register(directoryApiTokenRoutes, { context });
  await app.register(scimOptionRoutes, { context });
};

function readBearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

export function sendAdminError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof DirectoryError) {
    request.log.info({ code: error.code, field: error.field }, 'admin request rejected');
    const body: AdminErrorBody = { error: error.code, message: error.message };
    if (error.field) body.field = error.field;
    return reply.code(error.status).send(body);
  }

  // Fastify's own client errors: malformed JSON, unsupported content type, body too large.
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    request.log.info({ code: error.code }, 'admin request rejected');
    const message =
      error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `the request body is larger than the limit of ${request.routeOptions.bodyLimit} bytes`
        : error.message;
    return reply.code(status).send({ error: 'invalid_request', message } satisfies AdminErrorBody);
  }

  request.log.error({ err: error }, 'admin request failed');
  return reply.code(500).send({
    error: 'server_error',
    message: 'internal error; the server log has the details',
  } satisfies AdminErrorBody);
}
