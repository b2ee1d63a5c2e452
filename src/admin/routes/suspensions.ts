import type { FastifyPluginAsync } from 'fastify';
import { setProvisioningStopped } from '../../directory/directories.js';
import { getOrganization } from '../../directory/organizations.js';
import { setServiceAccountDisabled } from '../../directory/service-accounts.js';
import type { AppContext } from '../../server/context.js';
import { presentDirectory } from './directories.js';
import { rejectRequestBody } from './no-body.js';
import { presentServiceAccount } from './service-accounts.js';

type AccountParams = { orgId: string; serviceAccountId: string };
type DirectoryParams = { orgId: string; directoryId: string };

/**
 * Switches that pause access without deleting anything: disabling a service account, and
 * stopping SCIM provisioning into a directory. Both take effect at the next SCIM request.
 */
export const suspensionRoutes: FastifyPluginAsync<{ context: AppContext }> = async (
  app,
  { context },
) => {
  const { storage } = context;

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post<{ Params: AccountParams }>(
      `/orgs/:orgId/service-accounts/:serviceAccountId/${action}`,
      async (request) => {
        rejectRequestBody(request.body);
        const { orgId, serviceAccountId } = request.params;
        await getOrganization(storage, orgId);
        const account = await setServiceAccountDisabled(storage, orgId, serviceAccountId, disabled);
        return presentServiceAccount(account);
      },
    );
  }

  for (const [action, stopped] of [
    ['stop', true],
    ['resume', false],
  ] as const) {
    app.post<{ Params: DirectoryParams }>(
      `/orgs/:orgId/directories/:directoryId/provisioning/${action}`,
      async (request) => {
        rejectRequestBody(request.body);
        const { orgId, directoryId } = request.params;
        await getOrganization(storage, orgId);
        const directory = await setProvisioningStopped(storage, orgId, directoryId, stopped);
        return presentDirectory(directory, context.config.publicUrl);
      },
    );
  }
};
