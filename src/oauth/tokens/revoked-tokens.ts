import type { Storage } from '../../storage/database.js';
import { PreparedQuery } from '../../storage/prepared.js';

const revocationQuery = new PreparedQuery<{ jti: string; clientId: string }, RevocationRow>(
  (db, param) =>
    db.selectNoFrom((eb) => [
      eb.selectFrom('revoked_tokens').select('jti').where('jti', '=', param('jti')).as('revoked'),
      eb
        .selectFrom('oauth_client_auth')
        .select('disabled')
        .where('client_id', '=', param('clientId'))
        .as('client_disabled'),
    ]),
);

interface RevocationRow {
  revoked: string | null;
  client_disabled: number | null;
}

/** Minimum time between two deletions of expired revocations by one process, in ms. */
const PRUNE_INTERVAL_MS = 60_000;

/**
 * Revoked access tokens by `jti`, kept in the database until the token would have expired so
 * that every process refuses them at once (RFC 7009 §2).
 */
export class RevokedTokenStore {
  private lastPrune = 0;

  constructor(private readonly storage: Storage) {}

  /** Records a revocation until `expiresAt` (seconds since the epoch); revoking twice is a no-op. */
  async revoke(jti: string, clientId: string, expiresAt: number): Promise<void> {
    await this.pruneNowAndThen();

    try {
      await this.storage.db
        .insertInto('revoked_tokens')
        .values({ jti, client_id: clientId, expires_at: new Date(expiresAt * 1000).toISOString() })
        .execute();
    } catch (error) {
      if (!this.storage.dialect.isUniqueViolation(error)) throw error;
    }
  }

  /**
   * Reports whether a token was revoked, alone or by disabling its client. Every bearer request
   * checks it, so both are read in one query.
   */
  async isRevoked(jti: string, clientId: string): Promise<boolean> {
    const row = await revocationQuery.executeTakeFirst(this.storage.db, { jti, clientId });
    return row?.revoked != null || row?.client_disabled === 1;
  }

  private async pruneNowAndThen(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_INTERVAL_MS) return;
    this.lastPrune = Date.now();

    // ISO 8601 UTC strings of one fixed format sort like the times they denote.
    await this.storage.db
      .deleteFrom('revoked_tokens')
      .where('expires_at', '<', new Date().toISOString())
      .execute();
  }
}
