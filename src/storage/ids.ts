import { v7 as uuidv7 } from 'uuid';

/** Returns a new UUIDv7: unique without a database sequence and sortable by creation time. */
export function newId(): string {
  return uuidv7();
}

/** Returns the current time as ISO 8601 UTC with milliseconds, the format of every stored timestamp. */
export function nowIso(): string {
  return new Date().toISOString();
}
