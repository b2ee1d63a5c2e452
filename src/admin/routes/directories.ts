import type { FastifyPluginAsync } from 'fastify';
import {
  createDirectory,
  type Directory,
  deleteDirectory,
  getDirectory,
  listDirectories,
  scimBaseUrl,
} from '../../directory/directories.js';
import {
  createGrant,
  deleteGrant,
  type Grant,
  getGrant,
  listGrants,
  parseGrantRole,
} from '../../directory/grants.js';
import { getOrganization } from '../../directory/organizations.js';
import { rejectUnknownFields, requireObject, requireString } from '../../directory/validation.js';
import type { AppContext } from '../../server/context.js';

type OrgParams = { orgId: string };
type DirectoryParams = OrgParams & { directoryId: string };
type GrantParams = DirectoryParams & { grantId: string };

/** SCIM directories and the grants that let service accounts act on them. */
export const directoryRoutes: FastifyPluginAsync<{ context: AppContext }> = async (
  app,
  { context },
) => {
  const { storage } = context;
  const present = (directory: Directory) => presentDirectory(directory, context.config.publicUrl);
  const base = '/orgs/:orgId/directories';

  app.post<{ Params: OrgParams }>(base, async (request, reply) => {
    const { orgId } = request.params;
    await getOrganization(storage, orgId);

    const body = requireObject(request.body);
    rejectUnknownFields(body, ['name']);
    const directory = await createDirectory(storage, orgId, requireString(body, 'name'));
    return reply.code(201).send(present(directory));
  });

  app.get<{ Params: OrgParams }>(base, async (request) => {
    await getOrganization(storage, request.params.orgId);
    return (await listDirectories(storage, request.params.orgId)).map(present);
  });

  app.get<{ Params: DirectoryParams }>(`${base}/:directoryId`, async (request) => {
    const { orgId, directoryId } = request.params;
    await getOrganization(storage, orgId);
    return present(await getDirectory(storage, orgId, directoryId));
  });

  app.delete<{ Params: DirectoryParams }>(`${base}/:directoryId`, async (request, reply) => {
    const { orgId, directoryId } = request.params;
    await getOrganization(storage, orgId);
    await deleteDirectory(storage, orgId, directoryId);
    return reply.code(204).send();
  });

  app.post<{ Params: DirectoryParams }>(`${base}/:directoryId/grants`, async (request, reply) => {
    const { orgId, directoryId } = request.params;
    await getOrganization(storage, orgId);

    const body = requireObject(request.body);
    rejectUnknownFields(body, ['serviceAccountId', 'role']);
    const grant = await createGrant(storage, orgId, {
      directoryId,
      serviceAccountId: requireString(body, 'serviceAccountId', 100),
      role: parseGrantRole(requireString(body, 'role', 100)),
    });
    return reply.code(201).send(presentGrant(grant));
  });

  app.get<{ Params: DirectoryParams }>(`${base}/:directoryId/grants`, async (request) => {
    const { orgId, directoryId } = request.params;
    await getOrganization(storage, orgId);
    return (await listGrants(storage, orgId, directoryId)).map(presentGrant);
  });

  app.get<{ Params: GrantParams }>(`${base}/:directoryId/grants/:grantId`, async (request) => {
    const { orgId, directoryId, grantId } = request.params;
    await getOrganization(storage, orgId);
    return presentGrant(await getGrant(storage, orgId, directoryId, grantId));
  });

  app.delete<{ Params: GrantParams }>(
    `${base}/:directoryId/grants/:grantId`,
    async (request, reply) => {
      const { orgId, directoryId, grantId } = request.params;
      await getOrganization(storage, orgId);
      await deleteGrant(storage, orgId, directoryId, grantId);
      return reply.code(204).send();
    },
  );
};

export function presentDirectory(directory: Directory, publicUrl: string) {
  return {
    id: directory.id,
    orgId: directory.orgId,
    name: directory.name,
    scimBaseUrl: scimBaseUrl(publicUrl, directory.id),
    provisioningStopped: directory.provisioningStopped,
    createdAt: directory.createdAt,
  };
}

function presentGrant(grant: Grant) {
  return {
    id: grant.id,
    orgId: grant.orgId,
    directoryId: grant.directoryId,
    serviceAccountId: grant.serviceAccountId,
    role: grant.role,
    createdAt: grant.createdAt,
  };
}
