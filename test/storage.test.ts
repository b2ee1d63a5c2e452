import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newId, nowIso } from '../src/storage/ids.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { describeEachDatabase } from './helpers/databases.js';

describeEachDatabase('storage', (database) => {
  test('migrations run once and are idempotent', async () => {
    const storage = await database().open();
    try {
      const again = await migrateToLatest(storage);
      assert.deepEqual(again, []);
    } finally {
      await storage.close();
    }
  });

  test('unique violation is recognised by the dialect', async () => {
    const storage = await database().open();
    try {
      const row = { id: newId(), name: 'acme', created_at: nowIso() };
      await storage.db.insertInto('organizations').values(row).execute();
      const error = await storage.db
        .insertInto('organizations')
        .values({ ...row, id: newId() })
        .execute()
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      assert.ok(error, 'second insert with the same name must fail');
      assert.equal(storage.dialect.isUniqueViolation(error), true);
    } finally {
      await storage.close();
    }
  });
});
