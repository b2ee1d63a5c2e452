import type { FastifyBaseLogger } from 'fastify';
import {
  type AuditEventInput,
  type AuditRow,
  MAX_AUDIT_BATCH,
  recordAuditRows,
} from '../directory/audit.js';
import type { Storage } from '../storage/database.js';

interface PendingRow {
  row: AuditRow;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Writes audit events with group commit: events that arrive while a write is running are inserted
 * together by the next one, in one transaction. Each caller's promise settles only after its own
 * row has committed, so a request that awaits it still sends its response after its event is
 * stored. Under load this turns one commit per request into one commit per batch.
 */
export class AuditWriter {
  private pending: PendingRow[] = [];
  private writing = false;

  constructor(
    private readonly storage: Storage,
    private readonly log: FastifyBaseLogger,
    private readonly buildRow: (event: AuditEventInput) => AuditRow,
  ) {}

  /** Stores one event; resolves once its row has committed, rejects when it could not be. */
  write(event: AuditEventInput): Promise<void> {
    const row = this.buildRow(event);
    return new Promise((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      if (this.writing) return;

      // SQLite writes run synchronously, so the first write waits one turn of the event loop for
      // the other requests that are ready to join its batch.
      this.writing = true;
      setImmediate(() => void this.drain());
    });
  }

  /** Writes batches until no event is waiting; one drain runs at a time. */
  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_AUDIT_BATCH);
        await this.writeBatch(batch);
      }
    } finally {
      this.writing = false;
    }
  }

  private async writeBatch(batch: PendingRow[]): Promise<void> {
    try {
      await recordAuditRows(
        this.storage,
        batch.map((pending) => pending.row),
      );
      for (const pending of batch) pending.resolve();
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      this.log.warn(
        { err: error, events: batch.length },
        'audit batch not recorded; writing its events one by one',
      );
    }

    // One bad row must not cost the others their record.
    for (const pending of batch) {
      try {
        await recordAuditRows(this.storage, [pending.row]);
        pending.resolve();
      } catch (error) {
        pending.reject(error);
      }
    }
  }
}
