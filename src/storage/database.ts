import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { postgresHelpers } from './dialects/postgres.js';
import { sqliteHelpers } from './dialects/sqlite.js';
import type { DialectHelpers } from './dialects/types.js';
import type { Database } from './schema.js';

export type { Database } from './schema.js';

/** An open database with the helpers for its dialect. */
export interface Storage {
  readonly db: Kysely<Database>;
  readonly dialect: DialectHelpers;
  /** Where the data lives, with any password removed, for logs. */
  readonly location: string;
  close(): Promise<void>;
}

export interface StorageOptions {
  /** `postgres://…` for PostgreSQL; undefined for SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Maximum PostgreSQL pool size. Default 10. */
  poolSize?: number;
}

/** File name of the embedded database inside the data directory. */
export const SQLITE_FILE_NAME = 'scimd.sqlite';

/** Opens the database chosen by the options; it does not run migrations. */
export function openStorage(options: StorageOptions): Storage {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openSqlite(path.join(options.dataDir, SQLITE_FILE_NAME));
}

function openSqlite(file: string): Storage {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });

  const connection = new SQLite(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('foreign_keys = ON');
  // Wait for another process's write lock instead of failing at once with SQLITE_BUSY.
  connection.pragma('busy_timeout = 5000');
  connection.pragma('synchronous = NORMAL');

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  return { db, dialect: sqliteHelpers, location: file, close: () => db.destroy() };
}

function openPostgres(url: string, poolSize: number): Storage {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: postgresHelpers, location: redactUrl(url), close: () => db.destroy() };
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres';
  }
}
