import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { openStorage, type Storage } from '../../src/storage/database.js';
import { newId, nowIso } from '../../src/storage/ids.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type JsonResponse, requestJson } from '../helpers/http.js';
import { freePort, kill, setUpIntegrator, startServeProcess } from './serve-process.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Members added by the one PATCH; their ids fill most of the 1 MiB body limit. */
const MEMBERS = 20_000;

/** Inserts users straight into the table, because 20 000 SCIM creates would take minutes. */
async function seedUsers(storage: Storage, directoryId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  const now = nowIso();
  for (let start = 0; start < count; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - start) }, (_, offset) => {
      const userName = `bulk.${start + offset}@example.com`;
      const id = newId();
      ids.push(id);
      return {
        id,
        directory_id: directoryId,
        user_name: userName,
        user_name_key: userName,
        external_id: null,
        display_name: null,
        active: 1,
        resource: storage.dialect.toJson({ schemas: [USER_SCHEMA], userName, active: true }),
        version: 1,
        created_at: now,
        updated_at: now,
      };
    });
    await storage.db
      .insertInto('scim_users')
      .values(rows as never)
      .execute();
  }
  return ids;
}

async function memberCount(storage: Storage, groupId: string): Promise<number> {
  const row = await storage.db
    .selectFrom('scim_group_members')
    .select(({ fn }) => fn.countAll<number>().as('count'))
    .where('group_id', '=', groupId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Waits until another connection has a transaction open on a group table (PostgreSQL), or half
 * of `elapsedMs` (SQLite, which shows no open transaction to other connections).
 */
async function waitForTransaction(
  databaseUrl: string | undefined,
  elapsedMs: number,
): Promise<string> {
  if (!databaseUrl) {
    await sleep(elapsedMs / 2);
    return 'at half time';
  }

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + elapsedMs * 2;
    while (Date.now() < deadline) {
      const open = await client.query(
        `SELECT 1 FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND xact_start IS NOT NULL AND query ILIKE '%scim_group%'`,
      );
      if (open.rowCount) return 'inside the transaction';
      await sleep(1);
    }
  } finally {
    await client.end();
  }
  return 'at the deadline, no transaction seen';
}

describeEachDatabase('process killed during a group PATCH', (database) => {
  test('group is before or after', { timeout: 600_000 }, async (t) => {
    const port = await freePort();
    const first = await startServeProcess(database(), port);
    const { accessToken, directoryId } = await setUpIntegrator(first.url);
    const scimBase = `${first.url}/scim/directory/${directoryId}`;

    const storage = openStorage({
      databaseUrl: database().databaseUrl,
      dataDir: database().dataDir,
    });
    let userIds: string[];
    try {
      userIds = await seedUsers(storage, directoryId, MEMBERS);
    } finally {
      await storage.close();
    }

    const createGroup = async (displayName: string) => {
      const group = await requestJson(`${scimBase}/Groups`, {
        method: 'POST',
        token: accessToken,
        body: { schemas: [GROUP_SCHEMA], displayName },
      });
      assert.equal(group.status, 201);
      return String(group.body.id);
    };
    const addAllMembers = (groupId: string) =>
      requestJson(`${scimBase}/Groups/${groupId}`, {
        method: 'PATCH',
        token: accessToken,
        body: {
          schemas: [PATCH_SCHEMA],
          Operations: [{ op: 'add', path: 'members', value: userIds.map((value) => ({ value })) }],
        },
      });

    // A first PATCH on another group shows how long one takes on this machine.
    const timingGroup = await createGroup('timing');
    const started = performance.now();
    const timed = await addAllMembers(timingGroup);
    const elapsedMs = performance.now() - started;
    assert.ok(timed.status === 200 || timed.status === 204, `status ${timed.status}`);

    // The same PATCH on the target group, killed inside its transaction on PostgreSQL and
    // halfway through the measured time on SQLite.
    const targetGroup = await createGroup('target');
    let answer: JsonResponse | undefined;
    const pending = addAllMembers(targetGroup).then(
      (response) => {
        answer = response;
      },
      () => undefined,
    );
    const killedWhen = await waitForTransaction(database().databaseUrl, elapsedMs);
    await kill(first.child);
    await pending;

    const second = await startServeProcess(database(), port);
    try {
      const group = await requestJson(
        `${second.url}/scim/directory/${directoryId}/Groups/${targetGroup}`,
        {
          token: accessToken,
        },
      );
      assert.equal(group.status, 200);
      const shown = (group.body.members ?? []).length;
      assert.ok(shown === 0 || shown === MEMBERS, `the group shows ${shown} members`);
    } finally {
      await kill(second.child);
    }

    const check = openStorage({ databaseUrl: database().databaseUrl, dataDir: database().dataDir });
    try {
      const stored = await memberCount(check, targetGroup);
      t.diagnostic(
        `PATCH took ${Math.round(elapsedMs)} ms; killed ${killedWhen}; the group has ${stored} members`,
      );
      assert.ok(stored === 0 || stored === MEMBERS, `the group has ${stored} member rows`);
      if (answer && answer.status < 300) assert.equal(stored, MEMBERS);

      const group = await check.db
        .selectFrom('scim_groups')
        .select('version')
        .where('id', '=', targetGroup)
        .executeTakeFirstOrThrow();
      // Version 1 is the create; the PATCH moves it to 2 in the transaction that adds the rows.
      assert.equal(group.version, stored === 0 ? 1 : 2);
    } finally {
      await check.close();
    }
  });
});
