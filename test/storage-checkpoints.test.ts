// SQLite only: PostgreSQL has no write-ahead log file that scimd checkpoints.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { openStorage, SQLITE_FILE_NAME, type Storage } from '../src/storage/database.js';
import { newId, nowIso } from '../src/storage/ids.js';
import { migrateToLatest } from '../src/storage/migrate.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function openFresh(backgroundCheckpoints: boolean) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scimd-checkpoint-'));
  dirs.push(dataDir);
  const errors: string[] = [];
  const storage = openStorage({
    databaseUrl: undefined,
    dataDir,
    ...(backgroundCheckpoints
      ? { backgroundCheckpoints: { onError: (message: string) => errors.push(message) } }
      : {}),
  });
  await migrateToLatest(storage);
  return { storage, file: path.join(dataDir, SQLITE_FILE_NAME), errors };
}

/** Writes a few hundred pages of rows, which stay in the write-ahead log until a checkpoint. */
async function writeRows(storage: Storage): Promise<void> {
  for (let batch = 0; batch < 20; batch++) {
    const rows = Array.from({ length: 100 }, (_, index) => ({
      id: newId(),
      name: `org-${batch}-${index}-${'x'.repeat(400)}`,
      created_at: nowIso(),
    }));
    await storage.db.insertInto('organizations').values(rows).execute();
  }
}

/** Waits until the database file grows past `size`, or gives up after `seconds`. */
async function waitForGrowth(file: string, size: number, seconds: number): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline && fs.statSync(file).size <= size) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return fs.statSync(file).size;
}

test('worker checkpoints the log', async () => {
  const { storage, file, errors } = await openFresh(true);
  const before = fs.statSync(file).size;

  await writeRows(storage);
  const after = await waitForGrowth(file, before, 10);
  assert.ok(after > before, `the database file stayed at ${before} bytes`);

  await storage.close();
  // The worker's connection closed first. The server's close was then the last one, and SQLite
  // removes the log file when its last connection closes.
  assert.equal(fs.existsSync(`${file}-wal`), false);
  assert.deepEqual(errors, []);
});

test('without the worker the log keeps the pages', async () => {
  const { storage, file } = await openFresh(false);
  const before = fs.statSync(file).size;

  await writeRows(storage);
  const after = await waitForGrowth(file, before, 1);
  assert.equal(after, before);
  await storage.close();
});
