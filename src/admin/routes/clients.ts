import type { FastifyPluginAsync } from 'fastify';
import { getClientAuth } from '../../directory/client-auth.js';
import { validateClientJwks, validateJwksUri } from '../../directory/client-keys.js';
import {
  createClient,
  deleteClient,
  getClient,
  listClients,
  type OAuthClient,
  parseScopes,
  setClientKeys,
} from '../../directory/clients.js';
import { ConflictError, InvalidFieldError } from '../../directory/errors.js';
import { getOrganization } from '../../directory/organizations.js';
import { rejectUnknownFields, requireObject, requireString } from '../../directory/validation.js';
import type { AppContext } from '../../server/context.js';

type OrgParams = { orgId: string };
type AccountParams = OrgParams & { serviceAccountId: string };
type ClientParams = OrgParams & { clientId: string };

/** OAuth 2.0 credentials of service accounts, and the keys their clients sign assertions with. */
export const clientRoutes: FastifyPluginAsync<{ context: AppContext }> = async (
  app,
  { context },
) => {
  const { storage } = context;
  const present = async (client: OAuthClient) =>
    presentClient(
      client,
      context.config.publicUrl,
      (await getClientAuth(storage, client.clientId)).method,
    );
  const presentAll = (clients: OAuthClient[]) => Promise.all(clients.map(present));

  app.post<{ Params: AccountParams }>(
    '/orgs/:orgId/service-accounts/:serviceAccountId/credentials',
    async (request, reply) => {
      const { orgId, serviceAccountId } = request.params;
      await getOrganization(storage, orgId);

      const body = requireObject(request.body);
      rejectUnknownFields(body, ['name', 'scopes']);
      const client = await createClient(storage, orgId, serviceAccountId, {
        name: requireString(body, 'name'),
        scopes: parseScopes(body.scopes),
      });
      return reply.code(201).send(await present(client));
    },
  );

  app.get<{ Params: AccountParams }>(
    '/orgs/:orgId/service-accounts/:serviceAccountId/credentials',
    async (request) => {
      const { orgId, serviceAccountId } = request.params;
      await getOrganization(storage, orgId);
      return presentAll(await listClients(storage, orgId, serviceAccountId));
    },
  );

  app.get<{ Params: OrgParams }>('/orgs/:orgId/clients', async (request) => {
    await getOrganization(storage, request.params.orgId);
    return presentAll(await listClients(storage, request.params.orgId));
  });

  app.get<{ Params: ClientParams }>('/orgs/:orgId/clients/:clientId', async (request) => {
    const { orgId, clientId } = request.params;
    await getOrganization(storage, orgId);
    return await present(await getClient(storage, orgId, clientId));
  });

  app.delete<{ Params: ClientParams }>('/orgs/:orgId/clients/:clientId', async (request, reply) => {
    const { orgId, clientId } = request.params;
    await getOrganization(storage, orgId);
    await deleteClient(storage, orgId, clientId);
    return reply.code(204).send();
  });

  app.put<{ Params: ClientParams }>('/orgs/:orgId/clients/:clientId/keys', async (request) => {
    const { orgId, clientId } = request.params;
    await getOrganization(storage, orgId);

    const body = requireObject(request.body);
    rejectUnknownFields(body, ['jwks', 'jwksUri']);
    const jwks =
      body.jwks === undefined || body.jwks === null ? null : validateClientJwks(body.jwks);
    const jwksUri =
      body.jwksUri === undefined || body.jwksUri === null
        ? null
        : validateJwksUri(body.jwksUri, context.config.jwksAllowLoopback);
    if (!jwks && !jwksUri) {
      throw new InvalidFieldError(
        'jwks',
        'send jwks, jwksUri or both; to remove the keys use DELETE',
      );
    }

    // A client has exactly one way to authenticate.
    await getClient(storage, orgId, clientId);
    if ((await getClientAuth(storage, clientId)).method !== 'private_key_jwt') {
      throw new ConflictError(
        'the client authenticates with a client secret; delete its secret before registering keys',
      );
    }
    const client = await setClientKeys(storage, orgId, clientId, { jwks, jwksUri });
    return presentKeys(client);
  });

  app.get<{ Params: ClientParams }>('/orgs/:orgId/clients/:clientId/keys', async (request) => {
    const { orgId, clientId } = request.params;
    await getOrganization(storage, orgId);
    return presentKeys(await getClient(storage, orgId, clientId));
  });

  app.delete<{ Params: ClientParams }>(
    '/orgs/:orgId/clients/:clientId/keys',
    async (request, reply) => {
      const { orgId, clientId } = request.params;
      await getOrganization(storage, orgId);
      await setClientKeys(storage, orgId, clientId, { jwks: null, jwksUri: null });
      return reply.code(204).send();
    },
  );
};

function presentKeys(client: OAuthClient) {
  return { clientId: client.clientId, jwks: client.jwks, jwksUri: client.jwksUri };
}

function presentClient(client: OAuthClient, publicUrl: string, authMethod: string) {
  return {
    id: client.id,
    clientId: client.clientId,
    name: client.name,
    orgId: client.orgId,
    serviceAccountId: client.serviceAccountId,
    scopes: client.scopes,
    tokenEndpointAuthMethod: authMethod,
    tokenEndpoint: `${publicUrl}/oauth/token`,
    jwks: client.jwks,
    jwksUri: client.jwksUri,
    createdAt: client.createdAt,
    updatedAt: client.updatedAt,
  };
}
