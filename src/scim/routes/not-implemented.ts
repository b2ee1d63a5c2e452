import type { FastifyInstance } from 'fastify';
import { ScimError } from '../errors.js';

// TODO: these SCIM endpoints are defined by RFC 7644 but not implemented yet.
const READ_ENDPOINTS = [
  '/Groups',
  '/Groups/:id',
  '/Schemas',
  '/Schemas/:id',
  '/ResourceTypes',
  '/ResourceTypes/:id',
  '/Me',
];
const WRITE_ENDPOINTS: [string, ('POST' | 'PUT' | 'PATCH' | 'DELETE')[]][] = [
  ['/Users/:id', ['PUT', 'PATCH', 'DELETE']],
  ['/Users/.search', ['POST']],
  ['/Groups', ['POST']],
  ['/Groups/:id', ['PUT', 'PATCH', 'DELETE']],
  ['/Groups/.search', ['POST']],
  ['/.search', ['POST']],
  ['/Bulk', ['POST']],
  ['/Me', ['POST', 'PUT', 'PATCH', 'DELETE']],
];

/**
 * Registers the SCIM endpoints that are not implemented yet. After authorization they return
 * 501 (RFC 7644 §3.12), so a client can tell a missing feature from a wrong URL.
 */
export function registerNotImplementedRoutes(app: FastifyInstance): void {
  const notImplemented = async (request: { method: string; routeOptions: { url?: string } }) => {
    throw ScimError.withStatus(
      501,
      `${request.method} ${request.routeOptions.url?.replace(/^.*:directoryId/, '')} is not supported yet`,
    );
  };

  for (const url of READ_ENDPOINTS) {
    app.get(url, { config: { scimAccess: 'read' } }, notImplemented);
  }
  for (const [url, methods] of WRITE_ENDPOINTS) {
    app.route({ method: methods, url, config: { scimAccess: 'write' }, handler: notImplemented });
  }
}
