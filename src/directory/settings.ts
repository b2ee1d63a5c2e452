import type { Storage } from '../storage/database.js';
import { nowIso } from '../storage/ids.js';

/** Reads a server-wide setting stored in the database. */
export async function getSetting(storage: Storage, key: string): Promise<string | undefined> {
  const row = await storage.db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.value;
}

/**
 * Stores a setting unless it exists; returns whether this call stored it. Several processes
 * starting at once race here, and exactly one of them wins.
 */
export async function setSettingOnce(
  storage: Storage,
  key: string,
  value: string,
): Promise<boolean> {
  const result = await storage.db
    .insertInto('settings')
    .values({ key, value, updated_at: nowIso() })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}
