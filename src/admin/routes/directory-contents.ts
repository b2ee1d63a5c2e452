import type { FastifyPluginAsync } from 'fastify';
import { getDirectory, scimBaseUrl } from '../../directory/directories.js';
import { InvalidFieldError, NotFoundError } from '../../directory/errors.js';
import { getOrganization } from '../../directory/organizations.js';
import { ScimError } from '../../scim/errors.js';
import { parseListQuery } from '../../scim/list-query.js';
import { getGroup, listGroups, toGroupResource } from '../../scim/resources/groups.js';
import { listMemberOf, listMembers } from '../../scim/resources/memberships.js';
import { getUser, listUsers, toUserResource } from '../../scim/resources/users.js';
import type { AppContext } from '../../server/context.js';

type DirectoryParams = { orgId: string; directoryId: string };
type ResourceParams = DirectoryParams & { id: string };
type ListParameters = { filter?: string; startIndex?: string; count?: string };

/** Every attribute, as a SCIM request without `attributes` or `excludedAttributes` gets it. */
const FULL = {};

/**
 * Read-only view of a directory's SCIM users and groups for admins, so that the console can
 * browse what an identity provider pushed without an OAuth token. Filters and paging follow
 * RFC 7644 §3.4.2, and responses are SCIM resources and list responses.
 */
export const directoryContentRoutes: FastifyPluginAsync<{ context: AppContext }> = async (
  app,
  { context },
) => {
  const { storage } = context;
  const base = '/orgs/:orgId/directories/:directoryId';

  /** Checks the path and returns the directory's SCIM base URL, for the resources' locations. */
  const open = async ({ orgId, directoryId }: DirectoryParams) => {
    await getOrganization(storage, orgId);
    await getDirectory(storage, orgId, directoryId);
    return scimBaseUrl(context.config.publicUrl, directoryId);
  };

  app.get<{ Params: DirectoryParams; Querystring: ListParameters }>(
    `${base}/users`,
    async (request) => {
      const scimUrl = await open(request.params);
      const query = await asAdminError(async () => parseListQuery(pick(request.query)));
      const page = await asAdminError(() => listUsers(storage, request.params.directoryId, query));
      return listResponse(
        page.totalResults,
        query.startIndex,
        page.users.map((user) =>
          toUserResource(user, `${scimUrl}/Users/${user.id}`, FULL, undefined),
        ),
      );
    },
  );

  app.get<{ Params: ResourceParams }>(`${base}/users/:id`, async (request) => {
    const scimUrl = await open(request.params);
    const user = await notFoundAs('user', request.params.id, () =>
      getUser(storage, request.params.directoryId, request.params.id),
    );
    const groups = (await listMemberOf(storage.db, user.id)).map((group) => ({
      ...group,
      $ref: `${scimUrl}/Groups/${group.value}`,
    }));
    return toUserResource(user, `${scimUrl}/Users/${user.id}`, FULL, groups);
  });

  app.get<{ Params: DirectoryParams; Querystring: ListParameters }>(
    `${base}/groups`,
    async (request) => {
      const scimUrl = await open(request.params);
      const query = await asAdminError(async () => parseListQuery(pick(request.query)));
      const page = await asAdminError(() => listGroups(storage, request.params.directoryId, query));
      return listResponse(
        page.totalResults,
        query.startIndex,
        page.groups.map((group) =>
          toGroupResource(group, `${scimUrl}/Groups/${group.id}`, FULL, undefined),
        ),
      );
    },
  );

  app.get<{ Params: ResourceParams }>(`${base}/groups/:id`, async (request) => {
    const scimUrl = await open(request.params);
    const group = await notFoundAs('group', request.params.id, () =>
      getGroup(storage, request.params.directoryId, request.params.id),
    );
    const members = (await listMembers(storage.db, group.id)).map((member) => ({
      ...member,
      $ref: `${scimUrl}/${member.type === 'Group' ? 'Groups' : 'Users'}/${member.value}`,
    }));
    return toGroupResource(group, `${scimUrl}/Groups/${group.id}`, FULL, members);
  });
};

function pick(query: ListParameters): ListParameters {
  return { filter: query.filter, startIndex: query.startIndex, count: query.count };
}

function listResponse<T>(totalResults: number, startIndex: number, resources: T[]) {
  return { totalResults, startIndex, itemsPerPage: resources.length, Resources: resources };
}

/** A SCIM 400 (a bad filter or paging parameter) becomes the admin API's invalid_field. */
async function asAdminError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ScimError && error.status >= 400 && error.status < 500) {
      throw new InvalidFieldError(
        error.scimType === 'invalidFilter' ? 'filter' : 'query',
        error.detail,
      );
    }
    throw error;
  }
}

async function notFoundAs<T>(kind: string, id: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ScimError && error.status === 404) throw new NotFoundError(kind, id);
    throw error;
  }
}
