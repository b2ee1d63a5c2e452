import type { Storage } from '../storage/database.js';
import { newId, nowIso } from '../storage/ids.js';
import type { DirectoryTable } from '../storage/schema.js';
import { ConflictError, NotFoundError } from './errors.js';

/** A SCIM directory: the users and groups one identity provider pushes. */
export interface Directory {
  id: string;
  orgId: string;
  name: string;
  /** Whether an admin has stopped SCIM provisioning: every SCIM request is refused until resumed. */
  provisioningStopped: boolean;
  createdAt: string;
}

/** Returns the SCIM base URL of a directory under the server's public URL. */
export function scimBaseUrl(publicUrl: string, directoryId: string): string {
  return `${publicUrl}/scim/directory/${directoryId}`;
}

export async function createDirectory(
  storage: Storage,
  orgId: string,
  name: string,
): Promise<Directory> {
  const row: DirectoryTable = {
    id: newId(),
    org_id: orgId,
    name,
    provisioning_stopped: 0,
    created_at: nowIso(),
  };
  try {
    await storage.db.insertInto('directories').values(row).execute();
  } catch (error) {
    if (storage.dialect.isUniqueViolation(error)) {
      throw new ConflictError(`a directory named "${name}" already exists`, 'name');
    }
    throw error;
  }
  return toDirectory(row);
}

export async function listDirectories(storage: Storage, orgId: string): Promise<Directory[]> {
  const rows = await storage.db
    .selectFrom('directories')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
  return rows.map(toDirectory);
}

export async function getDirectory(
  storage: Storage,
  orgId: string,
  id: string,
): Promise<Directory> {
  const row = await storage.db
    .selectFrom('directories')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('directory', id);
  return toDirectory(row);
}

/** Deletes a directory with its users, groups and grants. */
export async function deleteDirectory(storage: Storage, orgId: string, id: string): Promise<void> {
  const result = await storage.db
    .deleteFrom('directories')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError('directory', id);
}

/** Stops or resumes SCIM provisioning into a directory; its users, groups and grants stay. */
export async function setProvisioningStopped(
  storage: Storage,
  orgId: string,
  id: string,
  stopped: boolean,
): Promise<Directory> {
  const result = await storage.db
    .updateTable('directories')
    .set({ provisioning_stopped: stopped ? 1 : 0 })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new NotFoundError('directory', id);
  return getDirectory(storage, orgId, id);
}

function toDirectory(row: DirectoryTable): Directory {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    provisioningStopped: row.provisioning_stopped === 1,
    createdAt: row.created_at,
  };
}
