// Starts scimd for the benchmark on a fresh SQLite data directory, or on a fresh PostgreSQL
// database under SCIMD_BENCH_DATABASE_URL, creates one integrator with an RS256 key and a grant,
// and prints `READY {...}` with what the load needs.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import pg from 'pg';
import { loadConfig } from '../../src/config/index.js';
import { createClient, setClientKeys } from '../../src/directory/clients.js';
import { createDirectory, scimBaseUrl } from '../../src/directory/directories.js';
import { createGrant } from '../../src/directory/grants.js';
import { createOrganization } from '../../src/directory/organizations.js';
import { createServiceAccount } from '../../src/directory/service-accounts.js';
import { startServer } from '../../src/server/start.js';
import { SQLITE_FILE_NAME } from '../../src/storage/database.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scimd-bench-'));
const adminUrl = process.env.SCIMD_BENCH_DATABASE_URL;
let databaseUrl: string | undefined;
let databaseName: string | undefined;

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

if (adminUrl) {
  databaseName = `scimd_bench_${Date.now()}`;
  await adminQuery(`CREATE DATABASE ${databaseName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  databaseUrl = url.toString();
}

const config = loadConfig({
  SCIMD_HOST: '127.0.0.1',
  SCIMD_PORT: '0',
  SCIMD_DATA_DIR: dataDir,
  SCIMD_ADMIN_TOKEN: `bench-${randomUUID()}`,
  SCIMD_LOG_LEVEL: 'warn',
  // The load comes from one address and one client, far above any identity provider's rate.
  SCIMD_TOKEN_RATE_PER_CLIENT: '0',
  SCIMD_TOKEN_RATE_PER_ADDRESS: '0',
  ...(databaseUrl ? { SCIMD_DATABASE_URL: databaseUrl } : {}),
  ...(process.env.BENCH_ACCESS_TOKEN_ALG
    ? { SCIMD_ACCESS_TOKEN_ALG: process.env.BENCH_ACCESS_TOKEN_ALG }
    : {}),
});
const server = await startServer(config);
const { storage } = server.context;

const org = await createOrganization(storage, `bench-${randomUUID().slice(0, 8)}`);
const account = await createServiceAccount(storage, org.id, { name: 'bench', role: 'bench' });
const kid = 'bench-rs256';
const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
const client = await createClient(storage, org.id, account.id, {
  name: 'bench',
  scopes: ['manage:directory'],
});
await setClientKeys(storage, org.id, client.clientId, {
  jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] },
  jwksUri: null,
});
const directory = await createDirectory(storage, org.id, 'bench');
await createGrant(storage, org.id, {
  directoryId: directory.id,
  serviceAccountId: account.id,
  role: 'manage',
});
const accessToken = await server.context.accessTokens.issue({
  clientId: client.clientId,
  serviceAccountId: account.id,
  orgId: org.id,
  scopes: ['manage:directory'],
});

process.stdout.write(
  `READY ${JSON.stringify({
    url: server.url,
    tokenEndpoint: `${server.url}/oauth/token`,
    clientId: client.clientId,
    kid,
    privateJwk: await exportJWK(privateKey),
    scimBaseUrl: scimBaseUrl(server.url, directory.id),
    accessToken,
    database: databaseUrl ? 'postgres' : 'sqlite',
    directoryId: directory.id,
    // The seeder's target: the database URL or the SQLite file.
    databaseLocation: databaseUrl ?? path.join(dataDir, SQLITE_FILE_NAME),
  })}\n`,
);

process.on('SIGTERM', async () => {
  await server.close();
  if (databaseName) await adminQuery(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});
