import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AssertionJtiStore } from '../../src/oauth/client-auth/jti-replay.js';
import type { Storage } from '../../src/storage/database.js';
import { describeEachDatabase } from '../helpers/databases.js';

describeEachDatabase('assertion jti store', (database) => {
  let storage: Storage;

  before(async () => {
    storage = await database().open();
  });
  after(async () => {
    await storage.close();
  });

  const inFiveMinutes = () => Math.floor(Date.now() / 1000) + 300;

  test('first use accepted', async () => {
    const store = new AssertionJtiStore(storage);

    assert.equal(await store.consume('client-a', 'jti-1', inFiveMinutes()), true);
  });

  test('second use rejected across stores', async () => {
    const first = new AssertionJtiStore(storage);
    const second = new AssertionJtiStore(storage);

    assert.equal(await first.consume('client-a', 'jti-2', inFiveMinutes()), true);
    assert.equal(await second.consume('client-a', 'jti-2', inFiveMinutes()), false);
  });

  test('same jti for another client accepted', async () => {
    const store = new AssertionJtiStore(storage);

    assert.equal(await store.consume('client-a', 'jti-3', inFiveMinutes()), true);
    assert.equal(await store.consume('client-b', 'jti-3', inFiveMinutes()), true);
  });

  test('concurrent repeats accepted once', async () => {
    const store = new AssertionJtiStore(storage);
    const expiresAt = inFiveMinutes();

    const results = await Promise.all([
      store.consume('client-d', 'jti-4', expiresAt),
      store.consume('client-d', 'jti-4', expiresAt),
      store.consume('client-d', 'jti-5', expiresAt),
      store.consume('client-d', 'jti-4', expiresAt),
    ]);

    assert.deepEqual(results, [true, false, true, false]);
  });

  test('concurrent use across stores accepted once', async () => {
    const first = new AssertionJtiStore(storage);
    const second = new AssertionJtiStore(storage);
    const expiresAt = inFiveMinutes();

    const results = await Promise.all([
      first.consume('client-e', 'jti-6', expiresAt),
      second.consume('client-e', 'jti-6', expiresAt),
    ]);

    assert.equal(results.filter(Boolean).length, 1);
  });

  test('expired rows deleted', async () => {
    await storage.db
      .insertInto('assertion_jtis')
      .values({ client_id: 'client-c', jti: 'old', expires_at: '2020-01-01T00:00:00.000Z' })
      .execute();

    await new AssertionJtiStore(storage).consume('client-c', 'new', inFiveMinutes());
    const rows = await storage.db
      .selectFrom('assertion_jtis')
      .select('jti')
      .where('client_id', '=', 'client-c')
      .execute();

    assert.deepEqual(
      rows.map((row) => row.jti),
      ['new'],
    );
  });
});
