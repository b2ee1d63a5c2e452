import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../server/context.js';
import type { Storage } from '../../storage/database.js';
import { ifNoneMatchMatches, weakEtag } from '../etag.js';
import type { FilterStore } from '../filter/sql.js';
import { type ListQuery, parseListQuery, rejectUnsupportedParameters } from '../list-query.js';
import type { ResourceWrite, ResourceWriteServices } from '../resources/services.js';
import type { ResourceRecord } from '../resources/store.js';
import { isProjected, type Projection, parseProjection } from '../schema/shape.js';
import { listEndpoint } from './list-page.js';
import {
  logIgnored,
  type QueryParameters,
  type ResourceRoute,
  readerFor,
  resourceUrl,
  writeConditions,
} from './request.js';
import { registerSearchRoutes } from './search.js';

/** The services of one resource endpoint and the function that presents a record. */
export interface ResourceEndpoint extends ResourceWriteServices {
  readonly endpoint: '/Users' | '/Groups';
  /** The storage layout, which resolves `sortBy` before a list runs. */
  readonly store: FilterStore;
  get(storage: Storage, directoryId: string, id: string): Promise<ResourceRecord>;
  list(
    storage: Storage,
    directoryId: string,
    query: ListQuery,
  ): Promise<{ totalResults: number; records: ResourceRecord[] }>;
  /** Builds the response resource, loading derived attributes only when the projection shows them. */
  present(directoryId: string, record: ResourceRecord, projection: Projection): Promise<unknown>;
  /** Builds the resources of a list page; without it, each record is presented on its own. */
  presentPage?(
    directoryId: string,
    records: ResourceRecord[],
    projection: Projection,
  ): Promise<unknown[]>;
  /**
   * Whether a PATCH without `attributes` or `excludedAttributes` returns 204 (groups, so that a
   * membership change never serialises a large member list) instead of 200 with the resource.
   */
  readonly patchAnswersEmpty: boolean;
}

/**
 * Registers POST, GET, PUT, PATCH and DELETE for one resource type (RFC 7644 §3.3 to §3.6), and
 * its POST searches (§3.4.3).
 */
export function registerResourceRoutes(
  app: FastifyInstance,
  context: AppContext,
  spec: ResourceEndpoint,
): void {
  const { endpoint, resourceType } = spec;
  const readProjection = (query: QueryParameters) => {
    rejectUnsupportedParameters(query);
    return parseProjection(resourceType, query);
  };
  const write = { config: { scimAccess: 'write' as const } };
  const read = { config: { scimAccess: 'read' as const } };

  app.post<ResourceRoute>(endpoint, write, async (request, reply) => {
    const projection = readProjection(request.query);
    const { directoryId } = request.params;
    const reader = await readerFor(context, request, directoryId, resourceType);

    const record = await spec.create(context.storage, directoryId, reader, request.body);
    logIgnored(request, reader);

    void reply.code(201).header('location', resourceUrl(context, directoryId, endpoint, record.id));
    void reply.header('etag', weakEtag(record.version));
    return spec.present(directoryId, record, projection);
  });

  app.get<ResourceRoute>(`${endpoint}/:id`, read, async (request, reply) => {
    const projection = readProjection(request.query);
    const { directoryId, id } = request.params;
    const record = await spec.get(context.storage, directoryId, id);

    const etag = weakEtag(record.version);
    void reply.header('etag', etag);
    if (ifNoneMatchMatches(request.headers['if-none-match'], etag)) {
      return reply.code(304).send();
    }
    return spec.present(directoryId, record, projection);
  });

  app.get<ResourceRoute>(endpoint, read, async (request) => {
    const query = parseListQuery(request.query);
    const projection = parseProjection(resourceType, request.query);
    return listEndpoint(context, spec, request.params.directoryId, query, projection);
  });
  registerSearchRoutes(app, context, spec);

  const registerWrite = (method: 'PUT' | 'PATCH', run: ResourceWrite) => {
    app.route<ResourceRoute>({
      method,
      url: `${endpoint}/:id`,
      ...write,
      handler: async (request, reply) => {
        const projection = readProjection(request.query);
        const { directoryId, id } = request.params;
        const reader = await readerFor(context, request, directoryId, resourceType);

        const conditions = writeConditions(request);
        const record = await run(
          context.storage,
          directoryId,
          id,
          reader,
          request.body,
          conditions,
        );
        logIgnored(request, reader);

        void reply.header('etag', weakEtag(record.version));
        if (method === 'PATCH' && spec.patchAnswersEmpty && !isProjected(projection)) {
          return reply.code(204).send();
        }
        return spec.present(directoryId, record, projection);
      },
    });
  };
  registerWrite('PUT', spec.replace);
  registerWrite('PATCH', spec.patch);

  app.delete<ResourceRoute>(`${endpoint}/:id`, write, async (request, reply) => {
    rejectUnsupportedParameters(request.query);
    const { directoryId, id } = request.params;
    await spec.remove(context.storage, directoryId, id, writeConditions(request));
    return reply.code(204).send();
  });
}
