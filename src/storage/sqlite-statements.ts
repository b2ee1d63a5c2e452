import type SQLite from 'better-sqlite3';

/** Number of prepared statements kept; queries with long `IN` lists each have their own text. */
const MAX_STATEMENTS = 500;

/**
 * Prepared statements of one better-sqlite3 connection, by SQL text. Kysely prepares a statement
 * for every query, and preparing costs about as much as running a short indexed query. Reusing a
 * statement is safe because the connection runs one query at a time and finishes it before the
 * next, streamed queries included. SQLite prepares a statement again by itself after a schema
 * change.
 */
export class StatementCache {
  private readonly statements = new Map<string, SQLite.Statement>();

  constructor(private readonly connection: SQLite.Database) {}

  prepare(sql: string): SQLite.Statement {
    const cached = this.statements.get(sql);
    if (cached) return cached;

    // The oldest statement goes first. A hot statement that goes is prepared again at its next
    // use, which costs less than reordering the map on every hit.
    const statement = this.connection.prepare(sql);
    if (this.statements.size >= MAX_STATEMENTS) {
      const oldest = this.statements.keys().next().value;
      if (oldest !== undefined) this.statements.delete(oldest);
    }
    this.statements.set(sql, statement);
    return statement;
  }
}
