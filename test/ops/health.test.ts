import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { startTestServer } from '../helpers/server.js';

describeEachDatabase('health and readiness', (database) => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer(database());
  });
  after(async () => {
    await server.close();
  });

  test('readyz reports a pending migration', async () => {
    const { db } = server.context.storage;
    const row = await db
      .selectFrom('kysely_migration' as never)
      .selectAll()
      .where('name' as never, '=', '0004-audit' as never)
      .executeTakeFirstOrThrow();
    await db
      .deleteFrom('kysely_migration' as never)
      .where('name' as never, '=', '0004-audit' as never)
      .execute();

    try {
      const response = await fetch(`${server.url}/readyz`);
      assert.equal(response.status, 503);
      assert.deepEqual(await response.json(), {
        status: 'not ready',
        checks: { draining: 'no', database: 'ok', migrations: 'pending: 0004-audit' },
      });
    } finally {
      await db
        .insertInto('kysely_migration' as never)
        .values(row as never)
        .execute();
    }
  });

  test('readyz is 200 with a current schema', async () => {
    const response = await fetch(`${server.url}/readyz`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await response.json(), {
      status: 'ready',
      checks: { draining: 'no', database: 'ok', migrations: 'ok' },
    });
  });

  test('healthz is 200 without a token', async () => {
    const response = await fetch(`${server.url}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  test('readyz is 503 while draining', async () => {
    server.state.draining = true;
    try {
      const response = await fetch(`${server.url}/readyz`);
      assert.equal(response.status, 503);
      const body = (await response.json()) as { checks: Record<string, string> };
      assert.equal(body.checks.draining, 'yes');
    } finally {
      server.state.draining = false;
    }
  });

  test('healthz stays 200 while draining', async () => {
    server.state.draining = true;
    try {
      const response = await fetch(`${server.url}/healthz`);
      assert.equal(response.status, 200);
    } finally {
      server.state.draining = false;
    }
  });
});
