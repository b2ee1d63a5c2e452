import type { FastifyBaseLogger } from 'fastify';
import { pruneAuditEvents } from '../directory/audit.js';
import type { Storage } from '../storage/database.js';

/** How often each process deletes expired audit events, in ms. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes audit events older than `retentionDays` now and then every hour; 0 keeps them forever.
 * Every process prunes: the delete is idempotent, so no process needs to be elected for it.
 * Returns a function that stops the timer.
 */
export function startAuditPruning(
  storage: Storage,
  retentionDays: number,
  log: FastifyBaseLogger,
): () => void {
  if (retentionDays === 0) return () => {};

  const prune = async () => {
    const before = new Date(Date.now() - retentionDays * DAY_MS).toISOString();
    try {
      const deleted = await pruneAuditEvents(storage, before);
      if (deleted > 0) log.info({ deleted, before }, 'pruned audit events');
    } catch (error) {
      log.error({ err: error }, 'audit pruning failed');
    }
  };

  const first = setTimeout(() => void prune(), 0);
  const timer = setInterval(() => void prune(), PRUNE_INTERVAL_MS);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
