import formBody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { adminPlugin } from '../admin/plugin.js';
import { oauthPlugin } from '../oauth/plugin.js';
import { scimPlugin } from '../scim/plugin.js';
import type { AppContext } from './context.js';

export interface BuildAppOptions {
  context: AppContext;
  /** Fastify logger options; false turns logging off. */
  logger?: FastifyServerOptions['logger'];
}

/** Headers whose values are credentials, removed from every log line. */
const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie'];

/** Assembles the Fastify application: one plugin per surface, each with its own error format. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const logger =
    options.logger === undefined || options.logger === true
      ? { level: options.context.config.logLevel, redact: REDACTED_PATHS }
      : options.logger;
  const app = Fastify({
    logger,
    // Body limit for JSON documents; SCIM Bulk advertises its own, smaller limits.
    bodyLimit: 1024 * 1024,
  });

  // SCIM clients send `application/scim+json`; parse it as JSON.
  app.addContentTypeParser(
    ['application/scim+json'],
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  await app.register(formBody);

  await app.register(oauthPlugin, { context: options.context });
  await app.register(scimPlugin, { context: options.context, prefix: '/scim' });
  await app.register(adminPlugin, { context: options.context, prefix: '/admin/v1' });

  return app;
}
