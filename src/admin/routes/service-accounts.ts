import type { FastifyPluginAsync } from 'fastify';
import { getOrganization } from '../../directory/organizations.js';
import {
  createServiceAccount,
  deleteServiceAccount,
  getServiceAccount,
  listServiceAccounts,
  type ServiceAccount,
} from '../../directory/service-accounts.js';
import {
  optionalString,
  rejectUnknownFields,
  requireObject,
  requireString,
} from '../../directory/validation.js';
import type { AppContext } from '../../server/context.js';

type OrgParams = { orgId: string };
type AccountParams = OrgParams & { serviceAccountId: string };

export const serviceAccountRoutes: FastifyPluginAsync<{ context: AppContext }> = async (
  app,
  { context },
) => {
  const { storage } = context;
  const base = '/orgs/:orgId/service-accounts';

  app.post<{ Params: OrgParams }>(base, async (request, reply) => {
    const { orgId } = request.params;
    await getOrganization(storage, orgId);

    const body = requireObject(request.body);
    rejectUnknownFields(body, ['name', 'description', 'role']);
    const account = await createServiceAccount(storage, orgId, {
      name: requireString(body, 'name'),
      description: optionalString(body, 'description'),
      role: requireString(body, 'role', 100),
    });
    return reply.code(201).send(presentServiceAccount(account));
  });

  app.get<{ Params: OrgParams }>(base, async (request) => {
    await getOrganization(storage, request.params.orgId);
    const accounts = await listServiceAccounts(storage, request.params.orgId);
    return accounts.map(presentServiceAccount);
  });

  app.get<{ Params: AccountParams }>(`${base}/:serviceAccountId`, async (request) => {
    const { orgId, serviceAccountId } = request.params;
    await getOrganization(storage, orgId);
    return presentServiceAccount(await getServiceAccount(storage, orgId, serviceAccountId));
  });

  app.delete<{ Params: AccountParams }>(`${base}/:serviceAccountId`, async (request, reply) => {
    const { orgId, serviceAccountId } = request.params;
    await getOrganization(storage, orgId);
    await deleteServiceAccount(storage, orgId, serviceAccountId);
    return reply.code(204).send();
  });
};

export function presentServiceAccount(account: ServiceAccount) {
  return {
    id: account.id,
    orgId: account.orgId,
    name: account.name,
    description: account.description,
    role: account.role,
    disabled: account.disabled,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}
