import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.js';
import { depthLimitedJsonParser } from '../server/json-body.js';
import { authorizeScimRequest } from './auth.js';
import { handleScimError } from './error-handler.js';
import { ScimError } from './errors.js';
import { SCIM_MEDIA_TYPE, SCIM_REQUEST_MEDIA_TYPES } from './media-type.js';
import { registerBulkRoute } from './routes/bulk.js';
import { registerDiscoveryRoutes } from './routes/discovery.js';
import { registerGroupRoutes } from './routes/groups.js';
import { registerFallbackRoutes } from './routes/not-implemented.js';
import { registerServiceProviderConfigRoute } from './routes/service-provider-config.js';
import { registerUserRoutes } from './routes/users.js';

/** Registers the SCIM 2.0 service provider under `/scim/directory/{directoryId}`. */
export const scimPlugin: FastifyPluginAsync<{ context: AppContext }> = async (app, { context }) => {
  // SCIM bodies are JSON only (RFC 7644 §3.1); every other type, forms included, gets a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    SCIM_REQUEST_MEDIA_TYPES,
    { parseAs: 'string' },
    depthLimitedJsonParser(app),
  );

  app.addHook('onSend', async (_request, reply, payload) => {
    if (payload !== undefined && payload !== null && reply.statusCode !== 304) {
      void reply.type(SCIM_MEDIA_TYPE);
    }
    return payload;
  });
  app.setErrorHandler(handleScimError);
  app.setNotFoundHandler(async (request) => {
    throw ScimError.withStatus(
      404,
      `no SCIM endpoint at ${request.method} ${request.url.split('?')[0]}`,
    );
  });

  await app.register(directoryRoutes, { context, prefix: '/directory/:directoryId' });
};

const directoryRoutes = async (app: FastifyInstance, { context }: { context: AppContext }) => {
  app.addHook('onRequest', authorizeScimRequest(context));

  registerUserRoutes(app, context);
  registerGroupRoutes(app, context);
  registerBulkRoute(app, context);
  registerServiceProviderConfigRoute(app, context);
  registerDiscoveryRoutes(app, context);
  registerFallbackRoutes(app);
};
