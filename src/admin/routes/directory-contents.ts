import type { FastifyPluginAsync } from 'fastify';
import { getDirectory } from '../../directory/directories.js';
import { getOrganization } from '../../directory/organizations.js';
import type { AppContext } from '../../server/context.js';
import type { ContentListParameters, DirectoryContents } from '../services.js';

type DirectoryParams = { orgId: string; directoryId: string };
type ResourceParams = DirectoryParams & { id: string };

/**
 * Read-only view of a directory's SCIM users and groups for admins, so that the console can
 * browse what an identity provider pushed without an OAuth token. Filters and paging follow
 * RFC 7644 §3.4.2, and responses are SCIM resources and list responses.
 */
export const directoryContentRoutes: FastifyPluginAsync<{
  context: AppContext;
  contents: DirectoryContents;
}> = async (app, { context, contents }) => {
  const { storage } = context;
  const base = '/orgs/:orgId/directories/:directoryId';

  /** Checks that the organization and its directory exist, so that a wrong path is 404. */
  const open = async ({ orgId, directoryId }: DirectoryParams) => {
    await getOrganization(storage, orgId);
    await getDirectory(storage, orgId, directoryId);
  };

  app.get<{ Params: DirectoryParams; Querystring: ContentListParameters }>(
    `${base}/users`,
    async (request) => {
      await open(request.params);
      return contents.listUsers(request.params.directoryId, request.query);
    },
  );

  app.get<{ Params: ResourceParams }>(`${base}/users/:id`, async (request) => {
    await open(request.params);
    return contents.getUser(request.params.directoryId, request.params.id);
  });

  app.get<{ Params: DirectoryParams; Querystring: ContentListParameters }>(
    `${base}/groups`,
    async (request) => {
      await open(request.params);
      return contents.listGroups(request.params.directoryId, request.query);
    },
  );

  app.get<{ Params: ResourceParams }>(`${base}/groups/:id`, async (request) => {
    await open(request.params);
    return contents.getGroup(request.params.directoryId, request.params.id);
  });
};
