// PostgreSQL only: SQLite has no connection pool, so no connection can fail while idle.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { openStorage, type Storage } from '../src/storage/database.js';
import { createPostgresDatabase, type TestDatabase } from './helpers/databases.js';

let database: TestDatabase;
let storage: Storage;
const failures: Error[] = [];

before(async () => {
  database = await createPostgresDatabase();
  storage = openStorage({
    databaseUrl: database.databaseUrl,
    dataDir: database.dataDir,
    onConnectionError: (error) => failures.push(error),
  });
});
after(async () => {
  await storage.close();
  await database.drop();
});

test('idle connection failure is reported', async () => {
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(storage.db);
  const pid = rows[0]!.pid;

  // Ending the idle connection from another session emits an error on the pool. Without a
  // listener, that error would end this test process.
  const other = openStorage({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
  await sql`select pg_terminate_backend(${pid})`.execute(other.db);
  await other.close();
  await new Promise((resolve) => setTimeout(resolve, 200));

  assert.equal(failures.length, 1);
  const { rows: after } = await sql<{ one: number }>`select 1 as one`.execute(storage.db);
  assert.equal(after[0]!.one, 1);
});
