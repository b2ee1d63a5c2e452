import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openStorage, type Storage } from '../../src/storage/database.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { requestJson } from '../helpers/http.js';
import { freePort, kill, setUpIntegrator, startServeProcess } from './serve-process.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

/** Pairs of a user and a group that contains it, 1000 operations in all. */
const PAIRS = 500;

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
