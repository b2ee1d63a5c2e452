import type { FastifyPluginAsync } from 'fastify';
import { getDirectory } from '../../directory/directories.js';
import { InvalidFieldError } from '../../directory/errors.js';
import { getOrganization } from '../../directory/organizations.js';
// The options live with the SCIM resources because the SCIM write path reads them on every request.
import { getDirectoryReadOptions, setDirectoryStrictMode } from '../../directory/scim-options.js';
import { rejectUnknownFields, requireObject } from '../../directory/validation.js';
import type { AppContext } from '../../server/context.js';

type DirectoryParams = { orgId: string; directoryId: string };

/**
 * Registers the routes that set how a directory's SCIM API treats unknown input. `strictSchema: false` (the default)
 * ignores unknown attributes and schema URNs; `true` rejects them with 400 `invalidSyntax`.
 */
export const scimOptionRoutes: FastifyPluginAsync<{ context: AppContext }> = async (
  app,
  { context },
) => {
  const { storage } = context;
  const path = '/orgs/:orgId/directories/:directoryId/scim-options';

  app.get<{ Params: DirectoryParams }>(path, async (request) => {
    const { orgId, directoryId } = request.params;
    await getOrganization(storage, orgId);
    await getDirectory(storage, orgId, directoryId);
    const options = await getDirectoryReadOptions(storage, directoryId);
    return { strictSchema: options.strict };
  });

  app.put<{ Params: DirectoryParams }>(path, async (request) => {
    const { orgId, directoryId } = request.params;
    await getOrganization(storage, orgId);
    await getDirectory(storage, orgId, directoryId);

    const body = requireObject(request.body);
    rejectUnknownFields(body, ['strictSchema']);
    if (typeof body.strictSchema !== 'boolean') {
      throw new InvalidFieldError('strictSchema', 'must be true or false');
    }
    await setDirectoryStrictMode(storage, directoryId, body.strictSchema);
    return { strictSchema: body.strictSchema };
  });
};
