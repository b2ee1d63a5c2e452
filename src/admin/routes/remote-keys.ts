import type { FastifyPluginAsync } from 'fastify';
import type { JWK } from 'jose';
import { getClient } from '../../directory/clients.js';
import { InvalidFieldError } from '../../directory/errors.js';
import { getOrganization } from '../../directory/organizations.js';
import type { AppContext } from '../../server/context.js';
import type { AdminErrorBody } from '../plugin.js';
import type { RemoteKeyFetcher } from '../services.js';

type ClientParams = { orgId: string; clientId: string };

/** Public members shown to an admin. Other members of a JWKS are left out. */
const SHOWN_MEMBERS = ['kid', 'kty', 'alg', 'use', 'crv'] as const;

/**
 * Fetches a client's JWKS URL now, with the same address checks as the token endpoint, so that an
 * admin can check which keys the server will find there.
 */
export const remoteKeyRoutes: FastifyPluginAsync<{
  context: AppContext;
  remoteKeys: RemoteKeyFetcher;
}> = async (app, { context, remoteKeys }) => {
  const { storage } = context;

  app.get<{ Params: ClientParams }>(
    '/orgs/:orgId/clients/:clientId/keys/remote',
    async (request, reply) => {
      const { orgId, clientId } = request.params;
      await getOrganization(storage, orgId);
      const client = await getClient(storage, orgId, clientId);
      if (!client.jwksUri) throw new InvalidFieldError('jwksUri', 'the client has no JWKS URL');

      const result = await remoteKeys.fetchKeys(client.jwksUri);
      if (result.ok) return { jwksUri: client.jwksUri, keys: result.keys.map(shownMembers) };

      request.log.info({ clientId, reason: result.reason }, 'JWKS fetch for the console failed');
      return reply.code(502).send({
        error: 'jwks_fetch_failed',
        message: result.reason,
      } satisfies AdminErrorBody);
    },
  );
};

function shownMembers(key: JWK): Record<string, unknown> {
  return Object.fromEntries(
    SHOWN_MEMBERS.filter((name) => key[name] !== undefined).map((name) => [name, key[name]]),
  );
}
