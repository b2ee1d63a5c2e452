import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.js';

/** The admin REST API under `/admin/v1`. */
export const adminPlugin: FastifyPluginAsync<{ context: AppContext }> = async (
  _app,
  _options,
) => {};
