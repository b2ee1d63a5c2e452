import type SQLite from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SelectQueryNode,
  SqliteDialect,
} from 'kysely';
import { StatementCache } from './sqlite-statements.js';

/**
 * A SQLite dialect whose transactions commit in groups. SQLite writes every changed page to the
 * write-ahead log at each commit, and a SCIM write changes about a dozen index pages, so a commit
 * costs more than the inserts it holds. Here each transaction runs as a savepoint inside one
 * shared transaction, which commits when no other transaction is waiting for the connection, at
 * most one turn of the event loop later. A transaction's promise settles only after that commit,
 * so a request still responds only once its write is stored. A failed transaction rolls back to
 * its savepoint and leaves the others in the group untouched.
 *
 * Queries outside a transaction read what the group has written before it commits, as they would
 * read it an instant later. A write outside a transaction first commits the open group and then
 * commits on its own, so its promise, too, settles only once it is stored.
 */
export class GroupCommitSqliteDialect extends SqliteDialect {
  constructor(private readonly connection: SQLite.Database) {
    super({ database: connection });
  }

  override createDriver(): Driver {
    return new GroupCommitDriver(this.connection);
  }
}

const SAVEPOINT = 'scimd_transaction';

/** A transaction whose savepoint was released, waiting for its group to commit. */
interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

class GroupCommitDriver implements Driver {
  private readonly statements: StatementCache;
  private readonly lock = new FifoLock();
  /** Whether the shared transaction is open. */
  private groupOpen = false;
  private waiters: Waiter[] = [];
  private flushScheduled = false;

  constructor(private readonly raw: SQLite.Database) {
    this.statements = new StatementCache(raw);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.lock.acquire();
    return new Lease(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    // SQLite rolls back a whole transaction by itself after some errors, such as a full disk or
    // an I/O error. The transactions that were waiting for it then fail.
    if (this.groupOpen && !this.raw.inTransaction) this.abandonGroup();
    if (!this.groupOpen) {
      this.run('begin');
      this.groupOpen = true;
    }
    this.run(`savepoint ${SAVEPOINT}`);
    lease.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    this.run(`release ${SAVEPOINT}`);
    lease.inTransaction = false;

    const stored = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    // The connection is handed on at once, so that other transactions can join the group.
    lease.released = true;
    this.lock.release();
    this.scheduleFlush();
    await stored;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    // A transaction whose group failed to commit has handed the connection on already.
    if (lease.released) return;
    lease.inTransaction = false;
    if (!this.raw.inTransaction) return;
    this.run(`rollback to ${SAVEPOINT}`);
    this.run(`release ${SAVEPOINT}`);
    this.scheduleFlush();
  }

  // Kysely's nested savepoints run inside the transaction's own savepoint.
  async savepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.run(`savepoint ${quoteName(name)}`);
  }

  async rollbackToSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.run(`rollback to ${quoteName(name)}`);
  }

  async releaseSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.run(`release ${quoteName(name)}`);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.released) return;
    lease.released = true;
    this.lock.release();
  }

  async destroy(): Promise<void> {
    await this.lock.acquire();
    try {
      this.commitGroup();
    } finally {
      this.raw.close();
    }
  }

  /** Runs one query for a lease that has the connection. */
  execute(lease: Lease, query: CompiledQuery): QueryResult<unknown> {
    if (lease.released) throw new Error('the SQLite connection was used after its release');
    const statement = this.statements.prepare(query.sql);
    // `readonly` rather than `reader`: an insert with `returning` returns rows and writes.
    if (!lease.inTransaction && !statement.readonly) this.commitGroup();
    if (statement.reader) return { rows: statement.all(query.parameters as unknown[]) };

    const { changes, lastInsertRowid } = statement.run(query.parameters as unknown[]);
    return {
      numAffectedRows: changes === undefined ? undefined : BigInt(changes),
      insertId: lastInsertRowid === undefined ? undefined : BigInt(lastInsertRowid),
      rows: [],
    };
  }

  *stream(query: CompiledQuery): IterableIterator<QueryResult<unknown>> {
    if (!SelectQueryNode.is(query.query)) {
      throw new Error('SQLite streams only select queries');
    }
    const statement = this.statements.prepare(query.sql);
    for (const row of statement.iterate(query.parameters as unknown[])) yield { rows: [row] };
  }

  private run(sql: string): void {
    this.statements.prepare(sql).run([]);
  }

  /** Commits the group once the transactions ready to run now have joined it. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    await this.lock.acquire();
    this.flushScheduled = false;
    try {
      this.commitGroup();
    } finally {
      this.lock.release();
    }
  }

  /** Commits the shared transaction and settles its waiters. The caller has the connection. */
  private commitGroup(): void {
    if (!this.groupOpen) return;
    if (!this.raw.inTransaction) {
      this.abandonGroup();
      return;
    }

    const waiters = this.waiters;
    this.waiters = [];
    this.groupOpen = false;
    try {
      this.run('commit');
    } catch (error) {
      if (this.raw.inTransaction) this.run('rollback');
      for (const waiter of waiters) waiter.reject(error);
      return;
    }
    for (const waiter of waiters) waiter.resolve();
  }

  /** Fails the waiters of a group that SQLite rolled back by itself. */
  private abandonGroup(): void {
    const waiters = this.waiters;
    this.waiters = [];
    this.groupOpen = false;
    const error = new Error('SQLite rolled back the transaction after an error');
    for (const waiter of waiters) waiter.reject(error);
  }
}

/** One holder's use of the single connection, from acquire to release. */
class Lease implements DatabaseConnection {
  inTransaction = false;
  released = false;

  constructor(private readonly driver: GroupCommitDriver) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute(this, query) as QueryResult<R>;
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    for (const result of this.driver.stream(query)) yield result as QueryResult<R>;
  }
}

/** A lock granted in the order it was asked for. */
class FifoLock {
  private locked = false;
  private readonly queue: (() => void)[] = [];

  acquire(): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.locked = false;
  }
}

function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
