import type { FastifyInstance, HTTPMethods } from 'fastify';
import { ScimError } from '../errors.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const METHODS: readonly Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

// TODO: /Me (RFC 7644 §3.11) is not implemented yet.
const NOT_IMPLEMENTED: [string, Method[]][] = [['/Me', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']]];

/** The methods each endpoint serves; every other method there is 405. */
const IMPLEMENTED: [string, Method[]][] = [
  ['/Users', ['GET', 'POST']],
  ['/Users/:id', ['GET', 'PUT', 'PATCH', 'DELETE']],
  ['/Groups', ['GET', 'POST']],
  ['/Groups/:id', ['GET', 'PUT', 'PATCH', 'DELETE']],
  ['/ServiceProviderConfig', ['GET']],
  ['/Schemas', ['GET']],
  ['/Schemas/:id', ['GET']],
  ['/ResourceTypes', ['GET']],
  ['/ResourceTypes/:id', ['GET']],
  ['/Users/.search', ['POST']],
  ['/Groups/.search', ['POST']],
  ['/.search', ['POST']],
];

/**
 * Registers the responses for requests no handler serves: 501 for SCIM endpoints that are not built
 * yet, so a client can tell a missing feature from a wrong URL, and 405 with `Allow` for a method
 * an endpoint does not support. Both come after authorization.
 */
export function registerFallbackRoutes(app: FastifyInstance): void {
  const notImplemented = async (request: { method: string; routeOptions: { url?: string } }) => {
    throw ScimError.withStatus(
      501,
      `${request.method} ${request.routeOptions.url?.replace(/^.*:directoryId/, '')} is not supported yet`,
    );
  };
  for (const [url, methods] of NOT_IMPLEMENTED) {
    app.route({ method: methods, url, config: { scimAccess: 'read' }, handler: notImplemented });
  }

  for (const [url, allowed] of [...IMPLEMENTED, ...NOT_IMPLEMENTED]) {
    const others = METHODS.filter((method) => !allowed.includes(method));
    if (others.length === 0) continue;

    app.route({
      method: others as HTTPMethods[],
      url,
      config: { scimAccess: 'read' },
      handler: async (request) => {
        throw ScimError.withStatus(
          405,
          `${request.method} is not allowed here; allowed: ${allowed.join(', ')}`,
          { allow: allowed.join(', ') },
        );
      },
    });
  }
}
