import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { loadConfig } from '../../src/config/index.js';
import { loadSecretBox } from '../../src/oauth/encryption.js';
import { ServerKeyStore } from '../../src/oauth/server-keys.js';
import { openStorage, type Storage } from '../../src/storage/database.js';
import { createPostgresDatabase, type TestDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient, signAssertion } from '../helpers/fixtures.js';
import { adminRequest } from '../helpers/http.js';
import { TEST_ADMIN_TOKEN } from '../helpers/server.js';
import { JWT_BEARER, requestAccessToken } from './ops-client.js';
import {
  freePort,
  type ServeProcess,
  sleep,
  startServeProcess,
  statusOf,
} from './serve-process.js';

const ENCRYPTION_KEY = Buffer.alloc(32, 9).toString('base64');

describe('two scimd processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: ServeProcess;
  let b: ServeProcess;
  let storage: Storage;
  let publicUrl: string;

  before(async () => {
    database = await createPostgresDatabase();
    const [portA, portB] = [await freePort(), await freePort()];
    // Behind a load balancer every process has the same public URL, the issuer of its tokens.
    publicUrl = `http://127.0.0.1:${portA}`;
    const env = {
      SCIMD_DATABASE_URL: database.databaseUrl as string,
      SCIMD_DATA_DIR: database.dataDir,
      SCIMD_KEY_ENCRYPTION_KEY: ENCRYPTION_KEY,
      SCIMD_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      SCIMD_PUBLIC_URL: publicUrl,
      SCIMD_JWKS_ALLOW_LOOPBACK: 'true',
      SCIMD_KEY_PUBLISH_SECONDS: '2',
      SCIMD_SHUTDOWN_DELAY_SECONDS: '1',
      SCIMD_LOG_LEVEL: 'info',
    };
    // Both start at once on an empty database: the migrations race.
    [a, b] = await Promise.all([startServeProcess(portA, env), startServeProcess(portB, env)]);
    storage = openStorage({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
  });
  after(async () => {
    await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
    await storage?.close();
    await database?.drop();
  });

  const scimGet = async (server: ServeProcess, provisioned: ProvisionedClient, token: string) => {
    const response = await fetch(`${server.url}/scim/directory/${provisioned.directory.id}/Users`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await response.arrayBuffer();
    return response.status;
  };
  const tokenFrom = async (server: ServeProcess, provisioned: ProvisionedClient) => {
    const result = await requestAccessToken(server.url, provisioned, { audience: publicUrl });
    assert.equal(result.status, 200, JSON.stringify(result.body));
    return String(result.body.access_token);
  };

  test('concurrent start-up runs each migration once', async () => {
    const rows = await storage.db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    const names = rows.map((row) => (row as { name: string }).name);
    assert.ok(names.includes('0004-audit'));
    assert.equal(new Set(names).size, names.length);
  });

  test('an assertion used on one process is a replay on the other', async () => {
    const provisioned = await provisionClient(storage);
    const assertion = await signAssertion(provisioned.key, provisioned.client.clientId, publicUrl);

    const first = await requestAccessToken(a.url, provisioned, { assertion });
    assert.equal(first.status, 200);
    const replay = await requestAccessToken(b.url, provisioned, { assertion });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error, 'invalid_client');
  });

  test('a token issued by one process is accepted by the other', async () => {
    const provisioned = await provisionClient(storage);
    const token = await tokenFrom(a, provisioned);
    assert.equal(await scimGet(b, provisioned, token), 200);
  });

  test('a token revoked on one process is refused by the other', async () => {
    const provisioned = await provisionClient(storage);
    const token = await tokenFrom(a, provisioned);
    assert.equal(await scimGet(b, provisioned, token), 200);

    const assertion = await signAssertion(provisioned.key, provisioned.client.clientId, publicUrl);
    const revoked = await fetch(`${a.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token,
        client_assertion_type: JWT_BEARER,
        client_assertion: assertion,
      }).toString(),
    });
    assert.equal(revoked.status, 200);
    assert.equal(await scimGet(b, provisioned, token), 401);
  });

  test('a service account disabled on one process is refused by the other', async () => {
    const provisioned = await provisionClient(storage);
    const token = await tokenFrom(a, provisioned);
    const account = `/orgs/${provisioned.orgId}/service-accounts/${provisioned.serviceAccount.id}`;

    assert.equal((await adminRequest(a.url, 'POST', `${account}/disable`)).status, 200);
    assert.equal(await scimGet(b, provisioned, token), 401);
    assert.equal((await adminRequest(a.url, 'POST', `${account}/enable`)).status, 200);
    assert.equal(await scimGet(b, provisioned, token), 200);
  });

  test('a grant deleted on one process is refused by the other', async () => {
    const provisioned = await provisionClient(storage);
    const token = await tokenFrom(a, provisioned);
    const grants = `/orgs/${provisioned.orgId}/directories/${provisioned.directory.id}/grants`;
    const [grant] = (await adminRequest(a.url, 'GET', grants)).body;

    assert.equal((await adminRequest(a.url, 'DELETE', `${grants}/${grant.id}`)).status, 204);
    assert.equal(await scimGet(b, provisioned, token), 403);
  });

  test('a client deleted on one process is refused by the other', async () => {
    const provisioned = await provisionClient(storage);
    const token = await tokenFrom(a, provisioned);
    const client = `/orgs/${provisioned.orgId}/clients/${provisioned.client.clientId}`;

    assert.equal((await adminRequest(a.url, 'DELETE', client)).status, 204);
    assert.equal(await scimGet(b, provisioned, token), 401);
  });

  test('a server key rotation reaches both processes', async () => {
    const config = loadConfig({ SCIMD_KEY_ENCRYPTION_KEY: ENCRYPTION_KEY });
    const keys = new ServerKeyStore(storage, loadSecretBox(config));
    const rotation = await keys.rotate({ publishSeconds: 2, retireAfterSeconds: 3600 });

    for (const server of [a, b]) {
      const published = await waitFor(async () => {
        const jwks = (await (await fetch(`${server.url}/oauth/jwks`)).json()) as {
          keys: { kid: string }[];
        };
        return jwks.keys.some((key) => key.kid === rotation.kid);
      });
      assert.equal(published, true, `${server.url} publishes the new key`);
    }

    const provisioned = await provisionClient(storage);
    let token = '';
    const signsWithNewKey = await waitFor(async () => {
      token = await tokenFrom(a, provisioned);
      return decodeProtectedHeader(token).kid === rotation.kid;
    });
    assert.equal(signsWithNewKey, true);
    assert.equal(await scimGet(b, provisioned, token), 200);
  });

  test('SIGTERM drains one process under load with no request lost', async () => {
    const provisioned = await provisionClient(storage);
    const token = await tokenFrom(a, provisioned);
    const path = `/scim/directory/${provisioned.directory.id}/Users?count=1`;
    const results: LoadResult[] = [];
    let signalAt = Number.POSITIVE_INFINITY;
    let running = true;

    // The balancer sends requests only to processes whose /readyz returns 200, checked every 100 ms.
    const ready = new Set([a.url, b.url]);
    const checker = (async () => {
      while (running) {
        for (const server of [a, b]) {
          if ((await statusOf(`${server.url}/readyz`)) === 200) ready.add(server.url);
          else ready.delete(server.url);
        }
        await sleep(100);
      }
    })();
    const worker = async (index: number) => {
      for (let n = index; running; n += 1) {
        const candidates = [a, b].filter((server) => ready.has(server.url));
        results.push(
          await balancedGet(candidates.length > 0 ? candidates : [a, b], n, path, token),
        );
      }
    };
    const workers = Array.from({ length: 12 }, (_, index) => worker(index));

    await sleep(1500);
    signalAt = Date.now();
    const exitCode = await b.stop('SIGTERM');
    await sleep(500);
    running = false;
    await Promise.all([...workers, checker]);

    assert.equal(exitCode, 0);
    assert.match(b.output(), /"msg":"scimd stopped"/);
    assert.match(b.output(), /"forced":false/);

    const failed = results.filter((result) => result.status !== 200);
    assert.deepEqual(failed, []);
    // Requests in flight at the signal, or sent before the balancer saw /readyz fail, end on the
    // draining process after the signal. A single instant contains too few of them to rely on.
    const drained = results.filter((result) => result.served === b.url && result.end > signalAt);
    assert.ok(drained.length > 0, 'the draining process served requests after the signal');
    const afterwards = results.filter((result) => result.start > signalAt + 1500);
    assert.ok(afterwards.length > 0);
    assert.ok(afterwards.every((result) => result.served === a.url));
  });
});

interface LoadResult {
  status: number;
  served: string;
  start: number;
  end: number;
}

/**
 * Sends a GET to one of the processes in turn on a new connection, as a load balancer would.
 * When the connection is refused because the process stopped listening, the next process gets it.
 */
async function balancedGet(
  servers: ServeProcess[],
  n: number,
  path: string,
  token: string,
): Promise<LoadResult> {
  const start = Date.now();
  for (let attempt = 0; attempt < servers.length; attempt += 1) {
    const server = servers[(n + attempt) % servers.length] as ServeProcess;
    const status = await getOnce(`${server.url}${path}`, token);
    if (status !== 'refused') return { status, served: server.url, start, end: Date.now() };
  }
  return { status: 0, served: 'none', start, end: Date.now() };
}

function getOnce(url: string, token: string): Promise<number | 'refused'> {
  return new Promise((resolve) => {
    const request = http.get(
      url,
      { agent: false, headers: { authorization: `Bearer ${token}` } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ECONNREFUSED' ? 'refused' : -1),
    );
  });
}

/** Polls `check` every 250 ms for up to 15 s; resolves whether it became true. */
async function waitFor(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(250);
  }
  return false;
}
