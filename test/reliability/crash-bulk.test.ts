import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openStorage, type Storage } from '../../src/storage/database.js';
import { describeEachDatabase, type TestDatabase } from '../helpers/databases.js';
import { generateIntegratorKey, signAssertion } from '../helpers/fixtures.js';
import { requestJson } from '../helpers/http.js';
import { TEST_ADMIN_TOKEN } from '../helpers/server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

/** Pairs of a user and a group that contains it, 1000 operations in all. */
const PAIRS = 500;

/** Returns a port that was free a moment ago; the restart reuses it so the issuer stays the same. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `scimd serve` from the sources in a child process and waits for its URL in the log. */
async function startServeProcess(
  database: TestDatabase,
  port: number,
): Promise<{ child: ChildProcess; url: string }> {
  const script = `const { runCli } = await import(${JSON.stringify(path.join(ROOT, 'src/cli/main.ts'))}); await runCli(['node', 'scimd', 'serve']);`;
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        SCIMD_HOST: '127.0.0.1',
        SCIMD_PORT: String(port),
        SCIMD_DATA_DIR: database.dataDir,
        SCIMD_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        SCIMD_LOG_LEVEL: 'info',
        SCIMD_DATABASE_URL: database.databaseUrl ?? '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`scimd serve exited with ${code}: ${output.slice(-2000)}`)),
    );
  });
  return { child, url };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Sets up an integrator over the admin API and returns an access token and the SCIM base URL. */
async function setUpIntegrator(url: string) {
  const admin = (method: string, apiPath: string, body?: unknown) =>
    requestJson(`${url}/admin/v1${apiPath}`, { method, body, token: TEST_ADMIN_TOKEN });
  const orgs = await admin('GET', '/orgs');
  const orgId = orgs.body.find((org: { name: string }) => org.name === 'default').id;
  const account = await admin('POST', `/orgs/${orgId}/service-accounts`, {
    name: 'crash-bulk',
    role: 'test',
  });
  const client = await admin(
    'POST',
    `/orgs/${orgId}/service-accounts/${account.body.id}/credentials`,
    { name: 'crash-bulk', scopes: ['manage:directory'] },
  );
  const key = await generateIntegratorKey('ES256', 'crash-bulk-1');
  await admin('PUT', `/orgs/${orgId}/clients/${client.body.clientId}/keys`, {
    jwks: { keys: [key.publicJwk] },
  });
  const directory = await admin('POST', `/orgs/${orgId}/directories`, { name: 'crash-bulk' });
  await admin('POST', `/orgs/${orgId}/directories/${directory.body.id}/grants`, {
    serviceAccountId: account.body.id,
    role: 'manage',
  });

  const assertion = await signAssertion(key, client.body.clientId, `${url}/oauth/token`);
  const token = await requestJson(`${url}/oauth/token`, {
    method: 'POST',
    body: {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    },
  });
  assert.equal(token.status, 200, JSON.stringify(token.body));
  return {
    accessToken: token.body.access_token as string,
    directoryId: directory.body.id as string,
  };
}

/** Builds a Bulk request of users, each followed by a group that contains it by bulkId. */
function pairsBulk(prefix: string) {
  const Operations = [];
  for (let index = 0; index < PAIRS; index += 1) {
    Operations.push({
      method: 'POST',
      path: '/Users',
      bulkId: `user${index}`,
      data: { schemas: [USER_SCHEMA], userName: `${prefix}.${index}@example.com` },
    });
    Operations.push({
      method: 'POST',
      path: '/Groups',
      bulkId: `group${index}`,
      data: {
        schemas: [GROUP_SCHEMA],
        displayName: `${prefix} group ${index}`,
        members: [{ value: `bulkId:user${index}` }],
      },
    });
  }
  return { schemas: [BULK_REQUEST], Operations };
}

async function countRows(
  storage: Storage,
  table: 'scim_users' | 'scim_groups',
  directoryId: string,
): Promise<number> {
  const row = await storage.db
    .selectFrom(table)
    .select(({ fn }) => fn.countAll<number>().as('count'))
    .where('directory_id', '=', directoryId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function countCreateEvents(
  storage: Storage,
  resourceType: 'User' | 'Group',
  directoryId: string,
): Promise<number> {
  const row = await storage.db
    .selectFrom('directory_events')
    .select(({ fn }) => fn.countAll<number>().as('count'))
    .where('directory_id', '=', directoryId)
    .where('resource_type', '=', resourceType)
    .where('action', '=', 'create')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

describeEachDatabase('process killed during Bulk', (database) => {
  test('Bulk operations are whole after SIGKILL', { timeout: 180_000 }, async () => {
    const port = await freePort();
    const first = await startServeProcess(database(), port);
    const { accessToken, directoryId } = await setUpIntegrator(first.url);
    const storage = openStorage({
      databaseUrl: database().databaseUrl,
      dataDir: database().dataDir,
    });

    try {
      // Send the Bulk request, and kill the process once 50 groups are committed.
      const sent = requestJson(`${first.url}/scim/directory/${directoryId}/Bulk`, {
        method: 'POST',
        token: accessToken,
        body: pairsBulk('crash'),
      }).catch(() => undefined);
      let settled = false;
      void sent.then(() => {
        settled = true;
      });
      let groupsBeforeKill = 0;
      while (groupsBeforeKill < 50 && !settled) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        groupsBeforeKill = await countRows(storage, 'scim_groups', directoryId);
      }
      await kill(first.child);
      const response = await sent;
      assert.equal(response, undefined, 'the Bulk request finished before the kill');

      // A user or group exists exactly when its create event does, and each group has its member.
      const users = await countRows(storage, 'scim_users', directoryId);
      const groups = await countRows(storage, 'scim_groups', directoryId);
      assert.ok(groups < PAIRS, `all ${groups} groups were created before the kill`);
      assert.equal(users, await countCreateEvents(storage, 'User', directoryId));
      assert.equal(groups, await countCreateEvents(storage, 'Group', directoryId));

      const groupsWithoutMember = await storage.db
        .selectFrom('scim_groups as g')
        .leftJoin('scim_group_members as m', 'm.group_id', 'g.id')
        .leftJoin('scim_users as u', 'u.id', 'm.member_id')
        .select('g.id')
        .where('g.directory_id', '=', directoryId)
        .where('u.id', 'is', null)
        .execute();
      assert.deepEqual(groupsWithoutMember, []);

      if (database().kind === 'sqlite') {
        const check = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(
          storage.db,
        );
        assert.equal(check.rows[0]?.integrity_check, 'ok');
      }
    } finally {
      await kill(first.child);
      await storage.close();
    }

    // The restarted server takes a new Bulk request at once.
    const second = await startServeProcess(database(), port);
    try {
      const again = await requestJson(`${second.url}/scim/directory/${directoryId}/Bulk`, {
        method: 'POST',
        token: accessToken,
        body: pairsBulk('restart'),
      });
      assert.equal(again.status, 200);
      const statuses = new Set(
        again.body.Operations.map((result: { status: string }) => result.status),
      );
      assert.deepEqual([...statuses], ['201']);
    } finally {
      await kill(second.child);
    }
  });
});
