import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import { openStorage, type Storage } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';

/** PostgreSQL server used by tests; each test suite creates and drops its own database on it. */
export const TEST_POSTGRES_URL =
  process.env.SCIMD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One database under test: the settings that select it and a way to remove it afterwards. */
export interface TestDatabase {
  readonly kind: 'sqlite' | 'postgres';
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Opens the database and runs the migrations. */
  open(): Promise<Storage>;
  /** Drops the database and deletes the data directory. */
  drop(): Promise<void>;
}

/** Creates an empty SQLite data directory. */
export async function createSqliteDatabase(): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scimd-test-'));
  return {
    kind: 'sqlite',
    databaseUrl: undefined,
    dataDir,
    open: () => openMigrated(undefined, dataDir),
    drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** Creates a fresh, uniquely named PostgreSQL database. */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `scimd_test_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  await runAdminQuery(`CREATE DATABASE ${name}`);

  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scimd-test-'));
  return {
    kind: 'postgres',
    databaseUrl: url.toString(),
    dataDir,
    open: () => openMigrated(url.toString(), dataDir),
    drop: async () => {
      await runAdminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function openMigrated(databaseUrl: string | undefined, dataDir: string): Promise<Storage> {
  const storage = openStorage({ databaseUrl, dataDir, poolSize: 5 });
  await migrateToLatest(storage);
  return storage;
}

async function runAdminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const FACTORIES = { sqlite: createSqliteDatabase, postgres: createPostgresDatabase } as const;

/**
 * Declares the suite `name` once per database. `body` receives a getter for the suite's database,
 * which exists between the suite's `before` and `after` hooks that this helper installs.
 */
export function describeEachDatabase(
  name: string,
  body: (database: () => TestDatabase, kind: 'sqlite' | 'postgres') => void,
): void {
  for (const kind of ['sqlite', 'postgres'] as const) {
    describe(`${name} [${kind}]`, () => {
      let current: TestDatabase | undefined;
      before(async () => {
        current = await FACTORIES[kind]();
      });
      body(() => {
        if (!current) throw new Error('test database is not ready: use it inside a test or hook');
        return current;
      }, kind);
      // Registered after the body's hooks so that it runs after them: servers close first.
      after(async () => {
        await current?.drop();
      });
    });
  }
}
