import type { FastifyPluginAsync } from 'fastify';
import {
  type ApiToken,
  createApiToken,
  listApiTokens,
  parseApiTokenExpiry,
  parseApiTokenScope,
  revokeApiToken,
  rotateApiToken,
} from '../../directory/api-tokens.js';
import { getOrganization } from '../../directory/organizations.js';
import { rejectUnknownFields, requireObject, requireString } from '../../directory/validation.js';
import type { AppContext } from '../../server/context.js';
import { rejectRequestBody } from './no-body.js';

type DirectoryParams = { orgId: string; directoryId: string };
type TokenParams = DirectoryParams & { tokenId: string };

/**
 * Long-lived API tokens of one directory, for identity providers that can only send a fixed
 * bearer secret. The token text is in the response that creates or rotates it, never again.
 */
export const directoryApiTokenRoutes: FastifyPluginAsync<{ context: AppContext }> = async (
  app,
  { context },
) => {
  const { storage } = context;
  const base = '/orgs/:orgId/directories/:directoryId/api-tokens';

  app.post<{ Params: DirectoryParams }>(base, async (request, reply) => {
    const { orgId, directoryId } = request.params;
    await getOrganization(storage, orgId);

    const body = requireObject(request.body);
    rejectUnknownFields(body, ['name', 'scope', 'expiresAt']);
    const created = await createApiToken(storage, orgId, directoryId, {
      name: requireString(body, 'name'),
      scope: parseApiTokenScope(body.scope),
      expiresAt: parseApiTokenExpiry(body.expiresAt),
    });
    return reply.code(201).send({ ...presentApiToken(created.apiToken), token: created.token });
  });

  app.get<{ Params: DirectoryParams }>(base, async (request) => {
    const { orgId, directoryId } = request.params;
    await getOrganization(storage, orgId);
    return (await listApiTokens(storage, orgId, directoryId)).map(presentApiToken);
  });

  app.post<{ Params: TokenParams }>(`${base}/:tokenId/rotate`, async (request) => {
    rejectRequestBody(request.body);
    const { orgId, directoryId, tokenId } = request.params;
    await getOrganization(storage, orgId);
    const rotated = await rotateApiToken(storage, orgId, directoryId, tokenId);
    return { ...presentApiToken(rotated.apiToken), token: rotated.token };
  });

  app.delete<{ Params: TokenParams }>(`${base}/:tokenId`, async (request, reply) => {
    const { orgId, directoryId, tokenId } = request.params;
    await getOrganization(storage, orgId);
    await revokeApiToken(storage, orgId, directoryId, tokenId);
    return reply.code(204).send();
  });
};

function presentApiToken(token: ApiToken) {
  return {
    id: token.id,
    directoryId: token.directoryId,
    name: token.name,
    scope: token.scope,
    expiresAt: token.expiresAt,
    lastUsedAt: token.lastUsedAt,
    createdAt: token.createdAt,
    rotatedAt: token.rotatedAt,
  };
}
