import type { Storage } from '../../storage/database.js';

/** Minimum time between two deletions of expired `jti` rows by one process, in ms. */
const PRUNE_INTERVAL_MS = 60_000;

/**
 * The `jti` values of accepted client assertions, kept in the database until the assertion
 * expires so that every process finds them (RFC 7523 §3 item 7). The primary key on
 * (client_id, jti) makes the insert itself the replay check, so two processes racing with the
 * same assertion cannot both succeed.
 */
export class AssertionJtiStore {
  private lastPrune = 0;

  constructor(private readonly storage: Storage) {}

  /**
   * Records a `jti` until `expiresAt` (seconds since the epoch). Returns false when the client has
   * already used it.
   */
  async consume(clientId: string, jti: string, expiresAt: number): Promise<boolean> {
    await this.pruneNowAndThen();

    try {
      await this.storage.db
        .insertInto('assertion_jtis')
        .values({ client_id: clientId, jti, expires_at: new Date(expiresAt * 1000).toISOString() })
        .execute();
      return true;
    } catch (error) {
      if (this.storage.dialect.isUniqueViolation(error)) return false;
      throw error;
    }
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
