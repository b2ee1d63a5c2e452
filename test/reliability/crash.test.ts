import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openStorage } from '../../src/storage/database.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { requestJson } from '../helpers/http.js';
import { freePort, kill, setUpIntegrator, startServeProcess } from './serve-process.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

describeEachDatabase('process killed during writes', (database) => {
  test('acknowledged users survive SIGKILL', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const first = await startServeProcess(database(), port);
    const { accessToken, directoryId } = await setUpIntegrator(first.url);

    // Keep 20 creates in flight and kill the process once 60 were acknowledged.
    const acknowledged: string[] = [];
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (!killed && next < 1000) {
        const index = next++;
        try {
          const response = await requestJson(`${first.url}/scim/directory/${directoryId}/Users`, {
            method: 'POST',
            token: accessToken,
            body: { schemas: [USER_SCHEMA], userName: `crash.${index}@example.com` },
          });
          if (response.status === 201) acknowledged.push(response.body.id);
          if (acknowledged.length >= 60 && !killed) {
            killed = true;
            await kill(first.child);
          }
        } catch {
          // Requests in flight when the process dies fail with a connection error.
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    await kill(first.child);
    assert.ok(acknowledged.length >= 60, `only ${acknowledged.length} creates were acknowledged`);

    const second = await startServeProcess(database(), port);
    try {
      for (const id of acknowledged) {
        const response = await requestJson(
          `${second.url}/scim/directory/${directoryId}/Users/${id}`,
          {
            token: accessToken,
          },
        );
        assert.equal(response.status, 200, `acknowledged user ${id} is missing after the restart`);
      }
    } finally {
      await kill(second.child);
    }

    const storage = openStorage({
      databaseUrl: database().databaseUrl,
      dataDir: database().dataDir,
    });
    try {
      const users = await storage.db
        .selectFrom('scim_users')
        .select(({ fn }) => fn.countAll<number>().as('count'))
        .where('directory_id', '=', directoryId)
        .executeTakeFirstOrThrow();
      const events = await storage.db
        .selectFrom('directory_events')
        .select(({ fn }) => fn.countAll<number>().as('count'))
        .where('directory_id', '=', directoryId)
        .where('resource_type', '=', 'User')
        .executeTakeFirstOrThrow();
      // A user and its change-feed event commit in one transaction: never one without the other.
      assert.equal(Number(users.count), Number(events.count));
      assert.ok(Number(users.count) >= acknowledged.length);

      if (database().kind === 'sqlite') {
        const check = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(
          storage.db,
        );
        assert.equal(check.rows[0]?.integrity_check, 'ok');
      }
    } finally {
      await storage.close();
    }
  });
});
