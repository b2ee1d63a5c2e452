import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * Errors after which running the whole transaction again is safe: the database rolled it back
 * and nothing was written. PostgreSQL: 40001 serialization_failure, 40P01 deadlock_detected.
 * SQLite: the write lock stayed busy past `busy_timeout`.
 */
const RETRYABLE_CODES = new Set(['40001', '40P01', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT']);

/** Attempts of `transactionWithRetry`, first run included. */
export const TRANSACTION_ATTEMPTS = 3;

/** Returns whether a driver error is a serialization failure or deadlock that a rerun may resolve. */
export function isRetryableTransactionError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    RETRYABLE_CODES.has(String(error.code))
  );
}

/**
 * Runs `work` in a transaction, and runs it again, after a short random pause, when the database
 * aborted it for a serialization failure or a deadlock. `work` must touch nothing outside the
 * transaction (no HTTP calls, no in-memory state), so that a rerun repeats exactly what failed.
 */
export async function transactionWithRetry<T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<T>,
  attempts = TRANSACTION_ATTEMPTS,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt >= attempts || !isRetryableTransactionError(error)) throw error;
      // Random pauses keep two retrying transactions from colliding again in step.
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
