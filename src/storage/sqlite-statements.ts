import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Number of prepared statements kept; queries with long `IN` lists each have their own text. */
const MAX_STATEMENTS = 500;

/**
 * Wraps a better-sqlite3 connection for Kysely so that each distinct SQL text is prepared once.
 * Kysely prepares a statement for every query, and preparing costs about as much as running a
 * short indexed query. Reusing a statement is safe because Kysely runs one query at a time on
 * the single SQLite connection and finishes it before the next, streamed queries included.
 * SQLite prepares a statement again by itself after a schema change.
 */
export function withStatementCache(connection: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();

  return {
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql);
      if (cached) {
        // Moves the entry to the end, so the first entry is always the least recently used.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }

      const statement = connection.prepare(sql);
      if (statements.size >= MAX_STATEMENTS) {
        const oldest = statements.keys().next().value;
        if (oldest !== undefined) statements.delete(oldest);
      }
      statements.set(sql, statement);
      return statement;
    },
    close(): void {
      statements.clear();
      connection.close();
    },
  };
}
