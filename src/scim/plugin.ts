import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.js';

/** The SCIM 2.0 service provider under `/scim/directory/{directoryId}`. */
export const scimPlugin: FastifyPluginAsync<{ context: AppContext }> = async (_app, _options) => {};
