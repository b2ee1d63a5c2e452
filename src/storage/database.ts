import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type KyselyConfig, type LogEvent, PostgresDialect } from 'kysely';
import pg from 'pg';
import { postgresHelpers } from './dialects/postgres.js';
import { sqliteHelpers } from './dialects/sqlite.js';
import type { DialectHelpers } from './dialects/types.js';
import type { Database } from './schema.js';
import {
  type Checkpointer,
  FALLBACK_AUTOCHECKPOINT_PAGES,
  startCheckpointer,
} from './sqlite-checkpointer.js';
import { GroupCommitSqliteDialect } from './sqlite-group-commit.js';

export type { Database } from './schema.js';

/** An open database with the helpers for its dialect. */
export interface Storage {
  readonly db: Kysely<Database>;
  readonly dialect: DialectHelpers;
  /** Location of the data, with any password removed, for logs. */
  readonly location: string;
  /** Connection counts of the PostgreSQL pool; undefined on SQLite. */
  poolStats(): { total: number; idle: number; waiting: number } | undefined;
  close(): Promise<void>;
}

export interface StorageOptions {
  /** `postgres://…` for PostgreSQL; undefined for SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Maximum PostgreSQL pool size. Default 10. */
  poolSize?: number;
  /** Called after each query with its duration in milliseconds and whether it succeeded. */
  onQuery?: (durationMs: number, ok: boolean) => void;
  /**
   * Called when an idle PostgreSQL connection fails, such as when the server restarts or a
   * database is dropped. The pool discards the connection and opens another when needed.
   */
  onConnectionError?: (error: Error) => void;
  /**
   * SQLite: checkpoint the write-ahead log on a worker thread instead of on the connection that
   * serves requests. For a long-running server; a command that exits soon does not need it.
   */
  backgroundCheckpoints?: { onError(message: string): void };
}

/** File name of the embedded database inside the data directory. */
export const SQLITE_FILE_NAME = 'scimd.sqlite';

/** Opens the database chosen by the options; it does not run migrations. */
export function openStorage(options: StorageOptions): Storage {
  const log = queryLogger(options.onQuery);
  if (options.databaseUrl) {
    return openPostgres(
      options.databaseUrl,
      options.poolSize ?? 10,
      log,
      options.onConnectionError,
    );
  }
  return openSqlite(
    path.join(options.dataDir, SQLITE_FILE_NAME),
    log,
    options.backgroundCheckpoints,
  );
}

function queryLogger(onQuery: StorageOptions['onQuery']): KyselyConfig['log'] {
  if (!onQuery) return undefined;
  return (event: LogEvent) => onQuery(event.queryDurationMillis, event.level === 'query');
}

function openSqlite(
  file: string,
  log: KyselyConfig['log'],
  backgroundCheckpoints: StorageOptions['backgroundCheckpoints'],
): Storage {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });

  const connection = new SQLite(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('foreign_keys = ON');
  // Wait for another process's write lock instead of failing at once with SQLITE_BUSY.
  connection.pragma('busy_timeout = 5000');
  connection.pragma('synchronous = NORMAL');
  let checkpointer: Checkpointer | undefined;
  if (backgroundCheckpoints) {
    connection.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    checkpointer = startCheckpointer(file, backgroundCheckpoints.onError);
  }

  const db = new Kysely<Database>({ dialect: new GroupCommitSqliteDialect(connection), log });
  return {
    db,
    dialect: sqliteHelpers,
    location: file,
    poolStats: () => undefined,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

function openPostgres(
  url: string,
  poolSize: number,
  log: KyselyConfig['log'],
  onConnectionError: StorageOptions['onConnectionError'],
): Storage {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // Without a listener, an error on an idle connection is an uncaught exception that ends the
  // process (node-postgres emits it on the pool).
  pool.on('error', (error) => onConnectionError?.(error));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
  return {
    db,
    dialect: postgresHelpers,
    location: redactUrl(url),
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
    close: () => db.destroy(),
  };
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
