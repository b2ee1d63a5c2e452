import type { Storage } from '../storage/database.js';
import { newId, nowIso } from '../storage/ids.js';
import { noteClientChange } from './client-changes.js';
import { ConflictError, NotFoundError } from './errors.js';

export interface Organization {
  id: string;
  name: string;
  createdAt: string;
}

export async function listOrganizations(storage: Storage): Promise<Organization[]> {
  const rows = await storage.db.selectFrom('organizations').selectAll().orderBy('name').execute();
  return rows.map(toOrganization);
}

export async function getOrganization(storage: Storage, id: string): Promise<Organization> {
  const row = await storage.db
    .selectFrom('organizations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('organization', id);
  return toOrganization(row);
}

/** Creates an organization; names are unique across the server. */
export async function createOrganization(storage: Storage, name: string): Promise<Organization> {
  const row = { id: newId(), name, created_at: nowIso() };
  try {
    await storage.db.insertInto('organizations').values(row).execute();
  } catch (error) {
    if (storage.dialect.isUniqueViolation(error)) {
      throw new ConflictError(`an organization named "${name}" already exists`, 'name');
    }
    throw error;
  }
  return toOrganization(row);
}

/** Deletes an organization with everything in it. */
export async function deleteOrganization(storage: Storage, id: string): Promise<void> {
  const result = await storage.db
    .deleteFrom('organizations')
    .where('id', '=', id)
    .executeTakeFirst();
  noteClientChange();
  if (result.numDeletedRows === 0n) throw new NotFoundError('organization', id);
}

function toOrganization(row: { id: string; name: string; created_at: string }): Organization {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}
