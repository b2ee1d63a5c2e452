import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.js';

/** The authorization server: token endpoint, JWKS and metadata. */
export const oauthPlugin: FastifyPluginAsync<{ context: AppContext }> = async (
  app,
  { context },
) => {
  app.get('/oauth/jwks', async () => context.serverKeys.publicJwks());
};
