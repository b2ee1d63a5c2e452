import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { Storage } from '../../src/storage/database.js';
import { transactionWithRetry } from '../../src/storage/retry.js';
import { describeEachDatabase } from '../helpers/databases.js';

function driverError(code: string): Error {
  return Object.assign(new Error(`driver error ${code}`), { code });
}

describeEachDatabase('transaction retry', (database, kind) => {
  let storage: Storage;
  before(async () => {
    storage = await database().open();
  });
  after(async () => {
    await storage.close();
  });

  test('a serialization failure runs the transaction again', async () => {
    let runs = 0;
    const result = await transactionWithRetry(storage.db, async () => {
      runs += 1;
      if (runs === 1) throw driverError('40001');
      return 'done';
    });
    assert.equal(result, 'done');
    assert.equal(runs, 2);
  });

  test('a deadlock runs the transaction again', async () => {
    let runs = 0;
    await transactionWithRetry(storage.db, async () => {
      runs += 1;
      if (runs === 1) throw driverError('40P01');
    });
    assert.equal(runs, 2);
  });

  test('a unique violation is not retried', async () => {
    let runs = 0;
    await assert.rejects(
      transactionWithRetry(storage.db, async () => {
        runs += 1;
        throw driverError('23505');
      }),
      { message: 'driver error 23505' },
    );
    assert.equal(runs, 1);
  });

  test('retries stop after three attempts', async () => {
    let runs = 0;
    await assert.rejects(
      transactionWithRetry(storage.db, async () => {
        runs += 1;
        throw driverError('40001');
      }),
    );
    assert.equal(runs, 3);
  });

  test('a failed attempt leaves nothing behind', async () => {
    let runs = 0;
    await transactionWithRetry(storage.db, async (trx) => {
      runs += 1;
      await trx
        .insertInto('settings')
        .values({ key: `retry-${runs}`, value: 'x', updated_at: new Date().toISOString() })
        .execute();
      if (runs === 1) throw driverError('40001');
    });
    const keys = await storage.db
      .selectFrom('settings')
      .select('key')
      .where('key', 'like', 'retry-%')
      .execute();
    assert.deepEqual(
      keys.map((row) => row.key),
      ['retry-2'],
    );
  });

  if (kind === 'postgres') {
    test('a real serialization failure of PostgreSQL is retried', async () => {
      await storage.db
        .insertInto('settings')
        .values({ key: 'counter', value: '0', updated_at: new Date().toISOString() })
        .execute();

      // Two serializable read-then-write transactions on one row: one of them must fail once.
      const increment = () =>
        transactionWithRetry(
          storage.db,
          async (trx) => {
            await sql`set transaction isolation level serializable`.execute(trx);
            const row = await trx
              .selectFrom('settings')
              .select('value')
              .where('key', '=', 'counter')
              .executeTakeFirstOrThrow();
            await new Promise((resolve) => setTimeout(resolve, 50));
            await trx
              .updateTable('settings')
              .set({ value: String(Number(row.value) + 1) })
              .where('key', '=', 'counter')
              .execute();
          },
          10,
        );
      await Promise.all([increment(), increment()]);

      const row = await storage.db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', 'counter')
        .executeTakeFirstOrThrow();
      assert.equal(row.value, '2');
    });
  }
});
