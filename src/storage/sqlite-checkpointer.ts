import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Time between two background checkpoints, in milliseconds. */
const CHECKPOINT_INTERVAL_MS = 250;

/**
 * Pages the write-ahead log may reach before the serving connection checkpoints by itself, on the
 * event loop. The background checkpoints keep the log far below this; it is a safety net for a
 * stalled worker. 20 000 pages of 4 KiB are about 80 MiB.
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 20_000;

// The worker opens its own connection to the same file. A passive checkpoint copies the log's
// committed pages into the database file without waiting for readers and writers to finish.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** A worker thread that checkpoints a SQLite database in write-ahead-log mode. */
export interface Checkpointer {
  /** Stops the checkpoints and closes the worker's connection. */
  stop(): Promise<void>;
}

/**
 * Starts checkpointing `file` on a worker thread. A checkpoint writes pages into the database file
 * and syncs it to disk, which can take milliseconds. On the serving connection it would stall every
 * request for that long, so the server's own connection only checkpoints as a fallback.
 */
export function startCheckpointer(
  file: string,
  onError: (message: string) => void = () => undefined,
): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      file,
      intervalMs: CHECKPOINT_INTERVAL_MS,
      driver: fileURLToPath(import.meta.resolve('better-sqlite3')),
    },
  });
  // The worker must not keep a process alive that has nothing else to do.
  worker.unref();
  worker.on('message', (message: { error?: string }) => {
    if (message.error) onError(message.error);
  });
  worker.on('error', (error) => onError(error.message));

  return {
    async stop() {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      // Referenced again, so that the process waits for the worker to close its connection.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
