import type { Storage } from '../storage/database.js';
import { newId, nowIso } from '../storage/ids.js';
import type { ServiceAccountTable } from '../storage/schema.js';
import { noteClientChange } from './client-changes.js';
import { ConflictError, NotFoundError } from './errors.js';

export interface ServiceAccount {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  role: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface NewServiceAccount {
  name: string;
  description?: string | undefined;
  role: string;
}

export async function createServiceAccount(
  storage: Storage,
  orgId: string,
  input: NewServiceAccount,
): Promise<ServiceAccount> {
  const now = nowIso();
  const row: ServiceAccountTable = {
    id: newId(),
    org_id: orgId,
    name: input.name,
    description: input.description ?? null,
    role: input.role,
    disabled: 0,
    created_at: now,
    updated_at: now,
  };
  try {
    await storage.db.insertInto('service_accounts').values(row).execute();
  } catch (error) {
    if (storage.dialect.isUniqueViolation(error)) {
      throw new ConflictError(`a service account named "${input.name}" already exists`, 'name');
    }
    throw error;
  }
  return toServiceAccount(row);
}

export async function listServiceAccounts(
  storage: Storage,
  orgId: string,
): Promise<ServiceAccount[]> {
  const rows = await storage.db
    .selectFrom('service_accounts')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
  return rows.map(toServiceAccount);
}

/** Reads a service account of the organization; another organization's id is not found. */
export async function getServiceAccount(
  storage: Storage,
  orgId: string,
  id: string,
): Promise<ServiceAccount> {
  const row = await storage.db
    .selectFrom('service_accounts')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('service account', id);
  return toServiceAccount(row);
}

/** Deletes a service account with its clients and grants, so its tokens stop working. */
export async function deleteServiceAccount(
  storage: Storage,
  orgId: string,
  id: string,
): Promise<void> {
  const result = await storage.db
    .deleteFrom('service_accounts')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  noteClientChange();
  if (result.numDeletedRows === 0n) throw new NotFoundError('service account', id);
}

/**
 * Disables or re-enables a service account. A disabled account gets no new tokens and its
 * existing tokens stop working at their next SCIM request.
 */
export async function setServiceAccountDisabled(
  storage: Storage,
  orgId: string,
  id: string,
  disabled: boolean,
): Promise<ServiceAccount> {
  const result = await storage.db
    .updateTable('service_accounts')
    .set({ disabled: disabled ? 1 : 0, updated_at: nowIso() })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  noteClientChange();
  if (result.numUpdatedRows === 0n) throw new NotFoundError('service account', id);
  return getServiceAccount(storage, orgId, id);
}

export function toServiceAccount(row: ServiceAccountTable): ServiceAccount {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    role: row.role,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
