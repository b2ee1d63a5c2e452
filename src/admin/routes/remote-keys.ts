import type { FastifyPluginAsync } from 'fastify';
import type { JWK } from 'jose';
import { getClient } from '../../directory/clients.js';
import { InvalidFieldError } from '../../directory/errors.js';
import { getOrganization } from '../../directory/organizations.js';
import { fetchJwks, JwksFetchError } from '../../oauth/jwks/fetch-jwks.js';
import type { AppContext } from '../../server/context.js';
import type { AdminErrorBody } from '../plugin.js';

type ClientParams = { orgId: string; clientId: string };

/** Public members shown to an admin. Other members of a JWKS are left out. */
const SHOWN_MEMBERS = ['kid', 'kty', 'alg', 'use', 'crv'] as const;

/**
 * Fetches a client's JWKS URL now, with the same address checks as the token endpoint, so that an
 * admin can check which keys the server will find there.
 */
export const remoteKeyRoutes: FastifyPluginAsync<{ context: AppContext }> = async (
  app,
  { context },
) => {
  const { storage } = context;

  app.get<{ Params: ClientParams }>(
    '/orgs/:orgId/clients/:clientId/keys/remote',
    async (request, reply) => {
      const { orgId, clientId } = request.params;
      await getOrganization(storage, orgId);
      const client = await getClient(storage, orgId, clientId);
      if (!client.jwksUri) throw new InvalidFieldError('jwksUri', 'the client has no JWKS URL');

      try {
        const jwks = await fetchJwks(client.jwksUri, {
          allowLoopback: context.config.jwksAllowLoopback,
        });
        return { jwksUri: client.jwksUri, keys: jwks.keys.map(shownMembers) };
      } catch (error) {
        if (!(error instanceof JwksFetchError)) throw error;
        request.log.info({ clientId, reason: error.message }, 'JWKS fetch for the console failed');
        return reply.code(502).send({
          error: 'jwks_fetch_failed',
          message: error.message,
        } satisfies AdminErrorBody);
      }
    },
  );
};

function shownMembers(key: JWK): Record<string, unknown> {
  return Object.fromEntries(
    SHOWN_MEMBERS.filter((name) => key[name] !== undefined).map((name) => [name, key[name]]),
  );
}
