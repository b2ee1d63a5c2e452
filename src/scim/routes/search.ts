import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../server/context.js';
import { ScimError } from '../errors.js';
import { buildListQuery, clampSafe, type ListQuery } from '../list-query.js';
import { parseProjection } from '../schema/shape.js';
import { listEndpoint, searchEndpoints } from './list-page.js';
import type { ResourceEndpoint } from './resource-routes.js';

export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/** A SearchRequest body read into list parameters and projection names. */
interface SearchRequest {
  readonly query: ListQuery;
  /** `attributes` and `excludedAttributes` as the comma-separated query parameters parseProjection reads. */
  readonly projection: Record<string, string | undefined>;
}

/** Endpoints registered on each app, so that the root search covers every resource type. */
const endpointsByApp = new WeakMap<FastifyInstance, ResourceEndpoint[]>();

/**
 * Registers `POST {endpoint}/.search` (RFC 7644 §3.4.3) for one resource type and, with the first
 * type registered on an app, `POST /.search` at the directory root over every type registered.
 */
export function registerSearchRoutes(
  app: FastifyInstance,
  context: AppContext,
  spec: ResourceEndpoint,
): void {
  const read = { config: { scimAccess: 'read' as const } };

  app.post<{ Params: { directoryId: string } }>(
    `${spec.endpoint}/.search`,
    read,
    async (request) => {
      const search = readSearchRequest(request.body);
      const projection = parseProjection(spec.resourceType, search.projection);
      return listEndpoint(context, spec, request.params.directoryId, search.query, projection);
    },
  );

  const endpoints = endpointsByApp.get(app);
  if (endpoints) {
    endpoints.push(spec);
    return;
  }
  const registered = [spec];
  endpointsByApp.set(app, registered);

  app.post<{ Params: { directoryId: string } }>('/.search', read, async (request) => {
    const search = readSearchRequest(request.body);
    const searched = registered.map((endpoint) => ({
      spec: endpoint,
      projection: parseProjection(endpoint.resourceType, search.projection),
    }));
    return searchEndpoints(context, searched, request.params.directoryId, search.query);
  });
}

/**
 * Reads a SearchRequest body. Attribute names are case-insensitive (RFC 7643 §2.1); members
 * other than those of RFC 7644 §3.4.3 and RFC 9865 are ignored. Throws 400 naming the member.
 */
export function readSearchRequest(body: unknown): SearchRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ScimError.of('invalidSyntax', 'the request body must be a SearchRequest JSON object');
  }
  const members = new Map(Object.entries(body).map(([key, value]) => [key.toLowerCase(), value]));

  const schemas = members.get('schemas');
  if (!Array.isArray(schemas) || !schemas.includes(SEARCH_REQUEST_SCHEMA)) {
    throw ScimError.of('invalidSyntax', `schemas must be ["${SEARCH_REQUEST_SCHEMA}"]`);
  }

  const query = buildListQuery({
    filter: readString(members, 'filter'),
    sortBy: readString(members, 'sortBy'),
    sortOrder: readString(members, 'sortOrder'),
    startIndex: readInteger(members, 'startIndex'),
    count: readInteger(members, 'count'),
    cursor: readString(members, 'cursor'),
  });
  return {
    query,
    projection: {
      attributes: readNames(members, 'attributes'),
      excludedAttributes: readNames(members, 'excludedAttributes'),
    },
  };
}

function readString(members: Map<string, unknown>, name: string): string | undefined {
  const value = members.get(name.toLowerCase());
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw ScimError.of('invalidValue', `${name} must be a string; got ${JSON.stringify(value)}`);
  }
  return value;
}

function readInteger(members: Map<string, unknown>, name: string): number | undefined {
  const value = members.get(name.toLowerCase());
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw ScimError.of('invalidValue', `${name} must be an integer; got ${JSON.stringify(value)}`);
  }
  return clampSafe(value);
}

function readNames(members: Map<string, unknown>, name: string): string | undefined {
  const value = members.get(name.toLowerCase());
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw ScimError.of('invalidValue', `${name} must be an array of attribute names`);
  }
  return value.join(',');
}
