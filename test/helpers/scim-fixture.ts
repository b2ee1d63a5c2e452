import type { RunningServer } from '../../src/server/start.js';
import type { TestDatabase } from './databases.js';
import { type ProvisionedClient, provisionClient } from './fixtures.js';
import { startTestServer } from './server.js';

/** A running server with one integrator, an access token it may use, and its SCIM base URL. */
export interface ScimFixture {
  server: RunningServer;
  integrator: ProvisionedClient;
  accessToken: string;
  scimBase: string;
}

/**
 * Starts a test server, provisions an integrator with a `manage` grant on a directory and issues
 * it an access token with `manage:directory`. `env` adds settings, as for `startTestServer`.
 */
export async function startScimFixture(
  database: TestDatabase,
  env: Record<string, string> = {},
): Promise<ScimFixture> {
  const server = await startTestServer(database, env);
  const integrator = await provisionClient(server.context.storage);
  const accessToken = await server.context.accessTokens.issue({
    clientId: integrator.client.clientId,
    serviceAccountId: integrator.serviceAccount.id,
    orgId: integrator.orgId,
    scopes: ['manage:directory'],
  });
  const scimBase = `${server.url}/scim/directory/${integrator.directory.id}`;
  return { server, integrator, accessToken, scimBase };
}
