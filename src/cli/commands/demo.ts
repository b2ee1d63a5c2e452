import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { exportJWK, generateKeyPair } from 'jose';
import { createClientAssertion } from '../../client/assertion.js';
import { requestClientCredentialsToken } from '../../client/token.js';
import { loadConfig } from '../../config/index.js';
import { type RunningServer, startServer } from '../../server/start.js';
import {
  type AdminConnection,
  callAdminApi,
  defaultServerUrl,
  resolveAdminToken,
} from '../admin-client.js';
import { terminal } from '../output.js';
import { resolveOrgId } from './admin.js';

interface DemoOptions {
  url: string;
  adminToken?: string;
  start?: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('walk the whole provisioning flow against a server and print each step')
    .option(
      '--url <url>',
      'server URL (SCIMD_URL); a server is started when none answers',
      defaultServerUrl(),
    )
    .option('--admin-token <token>', 'admin token (SCIMD_ADMIN_TOKEN, else ./data/admin-token)')
    .option('--start', 'always start a temporary server of its own')
    .action(async (options: DemoOptions) => {
      let ownServer: RunningServer | undefined;
      let connection: AdminConnection;

      if (!options.start && (await isReachable(options.url))) {
        const token = resolveAdminToken(options.adminToken);
        if (!token) {
          throw new Error(
            `no admin token for ${options.url}: pass --admin-token, set SCIMD_ADMIN_TOKEN, or run in the folder whose ./data contains the admin-token file`,
          );
        }
        connection = { url: options.url.replace(/\/+$/, ''), token };
      } else {
        ownServer = await startTemporaryServer();
        connection = { url: ownServer.url, token: ownServer.context.config.adminToken! };
        step('server', `started a temporary server at ${ownServer.url}`);
      }

      try {
        await walkFlow(connection);
      } finally {
        if (ownServer) {
          await ownServer.close();
          fs.rmSync(ownServer.context.config.dataDir, { recursive: true, force: true });
        }
      }
    });
}

/** Runs every step of the flow through the admin API, the token endpoint and SCIM. */
async function walkFlow(connection: AdminConnection): Promise<void> {
  const suffix = randomBytes(3).toString('hex');
  const orgId = await resolveOrgId(connection, 'default');
  const admin = <T>(method: string, apiPath: string, body?: unknown) =>
    callAdminApi<T>(connection, method, `/orgs/${orgId}${apiPath}`, body);

  const account = await admin<{ id: string }>('POST', '/service-accounts', {
    name: `demo-${suffix}`,
    description: 'created by scimd demo',
    role: 'user access admin',
  });
  step('service account', account.id);

  const client = await admin<{ clientId: string; tokenEndpoint: string }>(
    'POST',
    `/service-accounts/${account.id}/credentials`,
    { name: `demo-${suffix}`, scopes: ['manage:directory'] },
  );
  step('credentials', `client_id ${client.clientId}`);

  const directory = await admin<{ id: string; scimBaseUrl: string }>('POST', '/directories', {
    name: `demo_directory_${suffix}`,
  });
  step('directory', `${directory.id}, SCIM base URL ${directory.scimBaseUrl}`);

  const kid = `demo-key-${suffix}`;
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  await admin('PUT', `/clients/${client.clientId}/keys`, { jwks: { keys: [publicJwk] } });
  step('keys', `registered RS256 public key with kid ${kid}`);

  await admin('POST', `/directories/${directory.id}/grants`, {
    serviceAccountId: account.id,
    role: 'manage',
  });
  step('grant', `service account may manage ${directory.id}`);

  const assertion = await createClientAssertion({
    clientId: client.clientId,
    audience: client.tokenEndpoint,
    privateKey,
    kid,
    algorithm: 'RS256',
  });
  const token = await requestClientCredentialsToken({
    tokenEndpoint: client.tokenEndpoint,
    clientAssertion: assertion,
    scope: 'manage:directory',
  });
  step(
    'token',
    `${token.token_type} token, expires in ${token.expires_in} s, scope ${token.scope}`,
  );

  const user = await createScimUser(directory.scimBaseUrl, token.access_token, suffix);
  step('user', `created ${user.userName} with id ${user.id} at ${user.meta.location}`);
}

async function createScimUser(baseUrl: string, accessToken: string, suffix: string) {
  const response = await fetch(`${baseUrl}/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: `demo.user.${suffix}@example.com`,
      name: { givenName: 'Demo', familyName: 'User' },
      emails: [{ value: `demo.user.${suffix}@example.com`, type: 'work', primary: true }],
      active: true,
    }),
  });
  const body = (await response.json()) as {
    id: string;
    userName: string;
    meta: { location: string };
    detail?: string;
  };
  if (response.status !== 201) {
    throw new Error(`creating the SCIM user failed with ${response.status}: ${body.detail ?? ''}`);
  }
  return body;
}

async function isReachable(url: string): Promise<boolean> {
  try {
    await fetch(`${url.replace(/\/+$/, '')}/.well-known/oauth-authorization-server`, {
      signal: AbortSignal.timeout(2000),
    });
    return true;
  } catch {
    return false;
  }
}

async function startTemporaryServer(): Promise<RunningServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scimd-demo-'));
  const config = loadConfig({
    SCIMD_HOST: '127.0.0.1',
    SCIMD_PORT: '0',
    SCIMD_DATA_DIR: dataDir,
    SCIMD_ADMIN_TOKEN: `demo-${randomBytes(16).toString('hex')}`,
    SCIMD_LOG_LEVEL: 'warn',
  });
  return startServer(config, { logger: false });
}

function step(name: string, detail: string): void {
  terminal.out(`${`${name}:`.padEnd(18)}${detail}\n`);
}
