import type { FastifyPluginAsync } from 'fastify';
import {
  createOrganization,
  deleteOrganization,
  getOrganization,
  listOrganizations,
  type Organization,
} from '../../directory/organizations.js';
import { rejectUnknownFields, requireObject, requireString } from '../../directory/validation.js';
import type { AppContext } from '../../server/context.js';

type OrgParams = { orgId: string };

export const organizationRoutes: FastifyPluginAsync<{ context: AppContext }> = async (
  app,
  { context },
) => {
  const { storage } = context;

  app.get('/orgs', async () => (await listOrganizations(storage)).map(presentOrganization));

  app.post('/orgs', async (request, reply) => {
    const body = requireObject(request.body);
    rejectUnknownFields(body, ['name']);
    const org = await createOrganization(storage, requireString(body, 'name'));
    return reply.code(201).send(presentOrganization(org));
  });

  app.get<{ Params: OrgParams }>('/orgs/:orgId', async (request) =>
    presentOrganization(await getOrganization(storage, request.params.orgId)),
  );

  app.delete<{ Params: OrgParams }>('/orgs/:orgId', async (request, reply) => {
    await deleteOrganization(storage, request.params.orgId);
    return reply.code(204).send();
  });
};

function presentOrganization(org: Organization) {
  return { id: org.id, name: org.name, createdAt: org.createdAt };
}
