import type { Storage } from '../../storage/database.js';

/** Minimum time between two deletions of expired `jti` rows by one process, in ms. */
const PRUNE_INTERVAL_MS = 60_000;

/** Maximum number of `jti` rows inserted by one statement; 3 columns each stay under bind limits. */
const MAX_JTI_BATCH = 1000;

interface PendingJti {
  clientId: string;
  jti: string;
  expiresAt: string;
  resolve: (firstUse: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * The `jti` values of accepted client assertions, kept in the database until the assertion
 * expires so that every process finds them (RFC 7523 §3 item 7). The primary key on
 * (client_id, jti) makes the insert itself the replay check, so two processes racing with the
 * same assertion cannot both succeed. Concurrent requests share one insert: rows that arrive while
 * an insert runs go into the next one, and each caller gets from its result whether its own row
 * was new.
 */
export class AssertionJtiStore {
  private lastPrune = 0;
  private pending: PendingJti[] = [];
  private inserting = false;

  constructor(private readonly storage: Storage) {}

  /**
   * Records a `jti` until `expiresAt` (seconds since the epoch). Returns false when the client has
   * already used it. Resolves only after the row has committed.
   */
  consume(clientId: string, jti: string, expiresAt: number): Promise<boolean> {
    const expires = new Date(expiresAt * 1000).toISOString();
    return new Promise((resolve, reject) => {
      this.pending.push({ clientId, jti, expiresAt: expires, resolve, reject });
      if (this.inserting) return;

      // SQLite writes run synchronously, so the first insert waits one turn of the event loop for
      // the other requests that are ready to join it.
      this.inserting = true;
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_JTI_BATCH);
        try {
          await this.pruneNowAndThen();
          await this.insertBatch(batch);
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.inserting = false;
    }
  }

  private async insertBatch(batch: PendingJti[]): Promise<void> {
    // A pair repeated within the batch is a replay of its first occurrence, decided here because
    // one statement cannot report which of two equal rows it kept.
    const first = new Map<string, PendingJti>();
    const repeats: PendingJti[] = [];
    for (const pending of batch) {
      const key = JSON.stringify([pending.clientId, pending.jti]);
      if (first.has(key)) repeats.push(pending);
      else first.set(key, pending);
    }

    // A transaction, so that on SQLite the rows commit in one group with other requests' writes.
    const inserted = await this.storage.db.transaction().execute((trx) =>
      trx
        .insertInto('assertion_jtis')
        .values(
          [...first.values()].map((pending) => ({
            client_id: pending.clientId,
            jti: pending.jti,
            expires_at: pending.expiresAt,
          })),
        )
        .onConflict((conflict) => conflict.columns(['client_id', 'jti']).doNothing())
        .returning(['client_id', 'jti'])
        .execute(),
    );

    const stored = new Set(inserted.map((row) => JSON.stringify([row.client_id, row.jti])));
    for (const [key, pending] of first) pending.resolve(stored.has(key));
    for (const pending of repeats) pending.resolve(false);
  }

  private async pruneNowAndThen(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_INTERVAL_MS) return;
    this.lastPrune = Date.now();

    // ISO 8601 UTC strings of one fixed format sort like the times they denote.
    await this.storage.db
      .deleteFrom('assertion_jtis')
      .where('expires_at', '<', new Date().toISOString())
      .execute();
  }
}
