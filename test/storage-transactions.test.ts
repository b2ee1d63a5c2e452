// Transactions started together, as concurrent requests start them. On SQLite they commit as one
// group; on both databases each must stay atomic and be stored when its promise settles.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStorage, type Storage } from '../src/storage/database.js';
import { newId, nowIso } from '../src/storage/ids.js';
import { describeEachDatabase } from './helpers/databases.js';

describeEachDatabase('concurrent transactions', (database, kind) => {
  let storage: Storage;
  /** A second connection, which reads only committed rows. */
  let observer: Storage;

  before(async () => {
    storage = await database().open();
    observer = openStorage({ databaseUrl: database().databaseUrl, dataDir: database().dataDir });
  });
  after(async () => {
    await observer.close();
    await storage.close();
  });

  const insertOrganization = (db: Storage['db'], name: string) =>
    db.insertInto('organizations').values({ id: newId(), name, created_at: nowIso() }).execute();

  const storedNames = async (prefix: string): Promise<string[]> => {
    const rows = await observer.db
      .selectFrom('organizations')
      .select('name')
      .where('name', 'like', `${prefix}%`)
      .orderBy('name')
      .execute();
    return rows.map((row) => row.name);
  };

  test('failed transaction leaves no rows', async () => {
    await insertOrganization(storage.db, 'atomic-taken');

    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, index) =>
        storage.db.transaction().execute(async (trx) => {
          await insertOrganization(trx, `atomic-${index}-a`);
          if (index === 2) throw new Error('the handler failed');
          // A unique violation inside the transaction, after a row it already wrote.
          await insertOrganization(trx, index === 5 ? 'atomic-taken' : `atomic-${index}-b`);
        }),
      ),
    );

    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected'].concat([
        'fulfilled',
        'fulfilled',
      ]),
    );
    assert.equal((outcomes[2] as PromiseRejectedResult).reason.message, 'the handler failed');
    assert.equal(
      storage.dialect.isUniqueViolation((outcomes[5] as PromiseRejectedResult).reason),
      true,
    );
    const expected = [0, 1, 3, 4, 6, 7].flatMap((index) => [
      `atomic-${index}-a`,
      `atomic-${index}-b`,
    ]);
    assert.deepEqual(await storedNames('atomic-'), [...expected, 'atomic-taken'].sort());
  });

  test('transaction settles after its commit', async () => {
    const seen = await Promise.all(
      Array.from({ length: 6 }, async (_, index) => {
        await storage.db
          .transaction()
          .execute((trx) => insertOrganization(trx, `durable-${index}`));
        return storedNames(`durable-${index}`);
      }),
    );
    assert.deepEqual(
      seen,
      Array.from({ length: 6 }, (_, index) => [`durable-${index}`]),
    );
  });

  test('plain write settles after its commit', async () => {
    const grouped = storage.db
      .transaction()
      .execute((trx) => insertOrganization(trx, 'plain-in-transaction'));
    await insertOrganization(storage.db, 'plain-alone');
    assert.deepEqual(await storedNames('plain-alone'), ['plain-alone']);

    // An insert with `returning` returns rows like a read, and must still commit before it settles.
    const groupedAgain = storage.db
      .transaction()
      .execute((trx) => insertOrganization(trx, 'plain-in-second-transaction'));
    const returned = await storage.db
      .insertInto('organizations')
      .values({ id: newId(), name: 'plain-returning', created_at: nowIso() })
      .returning('name')
      .execute();
    assert.deepEqual(returned, [{ name: 'plain-returning' }]);
    assert.deepEqual(await storedNames('plain-returning'), ['plain-returning']);

    await Promise.all([grouped, groupedAgain]);
    assert.deepEqual(await storedNames('plain-'), [
      'plain-alone',
      'plain-in-second-transaction',
      'plain-in-transaction',
      'plain-returning',
    ]);
  });

  // A PostgreSQL pool ends only once its connections are back, so closing waits for the commit.
  const sqliteOnly = kind === 'sqlite' ? {} : { skip: 'SQLite only' };
  test('close commits a running transaction', sqliteOnly, async () => {
    const other = await database().open();
    const running = other.db
      .transaction()
      .execute((trx) => insertOrganization(trx, 'closing-pending'));
    await other.close();
    await running;

    assert.deepEqual(await storedNames('closing-'), ['closing-pending']);
  });
});
