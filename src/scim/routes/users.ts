import type { FastifyInstance } from 'fastify';
import { scimBaseUrl } from '../../directory/directories.js';
import type { AppContext } from '../../server/context.js';
import { ifNoneMatchMatches } from '../etag.js';
import { listResponse, parseListQuery, rejectUnsupportedParameters } from '../list-query.js';
import { createUser, getUser, listUsers, toUserResource } from '../resources/users.js';

type QueryParameters = Record<string, string | string[] | undefined>;

interface UserRoute {
  Params: { directoryId: string; id: string };
  Querystring: QueryParameters;
}

/** Registers `/Users`: create, read and list (RFC 7644 §3.3, §3.4.1, §3.4.2). */
export function registerUserRoutes(app: FastifyInstance, context: AppContext): void {
  // The public URL follows the port bound after listen, so it is read per request.
  const userLocation = (directoryId: string, id: string) =>
    `${scimBaseUrl(context.config.publicUrl, directoryId)}/Users/${id}`;

  app.post<UserRoute>('/Users', { config: { scimAccess: 'write' } }, async (request, reply) => {
    rejectUnsupportedParameters(request.query);

    const { directoryId } = request.params;
    const record = await createUser(context.storage, directoryId, request.body);
    const resource = toUserResource(record, userLocation(directoryId, record.id));

    void reply.code(201).header('location', resource.meta.location);
    void reply.header('etag', resource.meta.version);
    return resource;
  });

  app.get<UserRoute>('/Users/:id', { config: { scimAccess: 'read' } }, async (request, reply) => {
    rejectUnsupportedParameters(request.query);

    const { directoryId, id } = request.params;
    const record = await getUser(context.storage, directoryId, id);
    const resource = toUserResource(record, userLocation(directoryId, id));

    void reply.header('etag', resource.meta.version);
    if (ifNoneMatchMatches(request.headers['if-none-match'], resource.meta.version)) {
      return reply.code(304).send();
    }
    return resource;
  });

  app.get<UserRoute>('/Users', { config: { scimAccess: 'read' } }, async (request) => {
    const query = parseListQuery(request.query);

    const { directoryId } = request.params;
    const { totalResults, users } = await listUsers(context.storage, directoryId, query);
    const resources = users.map((user) => toUserResource(user, userLocation(directoryId, user.id)));
    return listResponse(resources, totalResults, query);
  });
}
