import type { FastifyRequest } from 'fastify';
import { TOKEN_PATH } from '../oauth/paths.js';

const SCIM_PREFIX = '/scim/directory/:directoryId';
const ADMIN_PREFIX = '/admin/v1';

/** A SCIM request's resource type (`User`, `Group`, `Bulk`, …) and operation. */
export interface ScimOperation {
  resource: string;
  operation: 'create' | 'get' | 'list' | 'replace' | 'patch' | 'delete' | 'search' | 'bulk';
  /** Whether the operation changes the directory. */
  write: boolean;
}

/** Returns the route template of a request, or `(unmatched)` when no route matched it. */
export function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? '(unmatched)';
}

export function isTokenRequest(request: FastifyRequest): boolean {
  return request.method === 'POST' && routeOf(request) === TOKEN_PATH;
}

/** Returns whether the request changes state through the admin API. */
export function isAdminWrite(request: FastifyRequest): boolean {
  return routeOf(request).startsWith(`${ADMIN_PREFIX}/`) && request.method !== 'GET';
}

/** Names the SCIM operation of a request (RFC 7644 §3.2), or undefined outside the SCIM API. */
export function scimOperationOf(request: FastifyRequest): ScimOperation | undefined {
  const route = routeOf(request);
  if (!route.startsWith(SCIM_PREFIX)) return undefined;

  const [collection = '', member] = route.slice(SCIM_PREFIX.length + 1).split('/');
  const resource = collection.replace(/s$/, '') || 'root';

  if (collection === 'Bulk') return { resource, operation: 'bulk', write: true };
  if (member === '.search' || collection === '.search') {
    return { resource, operation: 'search', write: false };
  }
  switch (request.method) {
    case 'POST':
      return { resource, operation: 'create', write: true };
    case 'PUT':
      return { resource, operation: 'replace', write: true };
    case 'PATCH':
      return { resource, operation: 'patch', write: true };
    case 'DELETE':
      return { resource, operation: 'delete', write: true };
    default:
      return { resource, operation: member ? 'get' : 'list', write: false };
  }
}
