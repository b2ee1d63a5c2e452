import type { FastifyInstance } from 'fastify';
import { scimBaseUrl } from '../../directory/directories.js';
import type { AppContext } from '../../server/context.js';
import { ScimError } from '../errors.js';
import { LIST_RESPONSE_SCHEMA } from '../list-query.js';
import type { SchemaDefinition } from '../schema/attribute.js';
import { publishResourceType, publishSchema } from '../schema/publish.js';
import { resourceTypes } from '../schema/resource-types.js';

interface DiscoveryRoute {
  Params: { directoryId: string; id?: string };
  Querystring: Record<string, unknown>;
}

/** Lists every schema the resource types use, core schemas first, each once. */
function allSchemas(): SchemaDefinition[] {
  const schemas = resourceTypes.flatMap((type) => [
    type.schema,
    ...type.extensions.map((extension) => extension.schema),
  ]);
  return [...new Set(schemas)];
}

/**
 * Registers `/Schemas` and `/ResourceTypes` (RFC 7644 §4). Both read the definitions that
 * validate input, so they describe exactly what the server accepts.
 */
export function registerDiscoveryRoutes(app: FastifyInstance, context: AppContext): void {
  const base = (directoryId: string) => scimBaseUrl(context.config.publicUrl, directoryId);
  const options = { config: { scimAccess: 'read' as const } };

  app.get<DiscoveryRoute>('/Schemas', options, async (request) => {
    rejectFilter(request.query, 'Schemas');
    const root = base(request.params.directoryId);
    return listOf(
      allSchemas().map((schema) => publishSchema(schema, `${root}/Schemas/${schema.id}`)),
    );
  });

  app.get<DiscoveryRoute>('/Schemas/:id', options, async (request) => {
    const root = base(request.params.directoryId);
    const wanted = request.params.id?.toLowerCase();
    const schema = allSchemas().find((candidate) => candidate.id.toLowerCase() === wanted);
    if (!schema) throw ScimError.withStatus(404, `Schema ${request.params.id} not found`);
    return publishSchema(schema, `${root}/Schemas/${schema.id}`);
  });

  app.get<DiscoveryRoute>('/ResourceTypes', options, async (request) => {
    rejectFilter(request.query, 'ResourceTypes');
    const root = base(request.params.directoryId);
    return listOf(
      resourceTypes.map((type) => publishResourceType(type, `${root}/ResourceTypes/${type.name}`)),
    );
  });

  app.get<DiscoveryRoute>('/ResourceTypes/:id', options, async (request) => {
    const root = base(request.params.directoryId);
    const wanted = request.params.id?.toLowerCase();
    const type = resourceTypes.find((candidate) => candidate.name.toLowerCase() === wanted);
    if (!type) throw ScimError.withStatus(404, `ResourceType ${request.params.id} not found`);
    return publishResourceType(type, `${root}/ResourceTypes/${type.name}`);
  });
}

/** RFC 7644 §4: discovery endpoints SHOULD reject a filter with 403. */
export function rejectFilter(query: Record<string, unknown>, endpoint: string): void {
  if (query.filter !== undefined) {
    throw ScimError.withStatus(403, `the ${endpoint} endpoint does not take a filter`);
  }
}

function listOf(resources: Record<string, unknown>[]) {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
