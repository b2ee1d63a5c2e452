import type { Storage } from '../storage/database.js';
import { newId, nowIso } from '../storage/ids.js';
import type { GrantTable } from '../storage/schema.js';
import { getDirectory } from './directories.js';
import { ConflictError, InvalidFieldError, NotFoundError } from './errors.js';
import { getServiceAccount } from './service-accounts.js';

/** Roles a grant gives on a directory: `manage` reads and writes, `read` only reads. */
export const GRANT_ROLES = ['manage', 'read'] as const;
export type GrantRole = (typeof GRANT_ROLES)[number];

/** Permission of a service account on one SCIM directory. */
export interface Grant {
  id: string;
  orgId: string;
  directoryId: string;
  serviceAccountId: string;
  role: GrantRole;
  createdAt: string;
}

export function parseGrantRole(value: string): GrantRole {
  const role = GRANT_ROLES.find((candidate) => candidate === value);
  if (!role) throw new InvalidFieldError('role', `must be one of ${GRANT_ROLES.join(', ')}`);
  return role;
}

/** Grants a service account of the organization access to one of its directories. */
export async function createGrant(
  storage: Storage,
  orgId: string,
  input: { directoryId: string; serviceAccountId: string; role: GrantRole },
): Promise<Grant> {
  await getDirectory(storage, orgId, input.directoryId);
  await getServiceAccount(storage, orgId, input.serviceAccountId);

  const row: GrantTable = {
    id: newId(),
    org_id: orgId,
    directory_id: input.directoryId,
    service_account_id: input.serviceAccountId,
    role: input.role,
    created_at: nowIso(),
  };
  try {
    await storage.db.insertInto('grants').values(row).execute();
  } catch (error) {
    if (storage.dialect.isUniqueViolation(error)) {
      throw new ConflictError(
        'the service account already has a grant on this directory; delete it to change the role',
        'serviceAccountId',
      );
    }
    throw error;
  }
  return toGrant(row);
}

export async function listGrants(
  storage: Storage,
  orgId: string,
  directoryId: string,
): Promise<Grant[]> {
  await getDirectory(storage, orgId, directoryId);
  const rows = await storage.db
    .selectFrom('grants')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('directory_id', '=', directoryId)
    .orderBy('created_at')
    .execute();
  return rows.map(toGrant);
}

export async function getGrant(
  storage: Storage,
  orgId: string,
  directoryId: string,
  id: string,
): Promise<Grant> {
  const row = await storage.db
    .selectFrom('grants')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('directory_id', '=', directoryId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('grant', id);
  return toGrant(row);
}

export async function deleteGrant(
  storage: Storage,
  orgId: string,
  directoryId: string,
  id: string,
): Promise<void> {
  const result = await storage.db
    .deleteFrom('grants')
    .where('org_id', '=', orgId)
    .where('directory_id', '=', directoryId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError('grant', id);
}

/** Returns the live grant of a service account on a directory, or undefined. */
export async function findGrant(
  storage: Storage,
  directoryId: string,
  serviceAccountId: string,
): Promise<Grant | undefined> {
  const row = await storage.db
    .selectFrom('grants')
    .selectAll()
    .where('directory_id', '=', directoryId)
    .where('service_account_id', '=', serviceAccountId)
    .executeTakeFirst();
  return row ? toGrant(row) : undefined;
}

function toGrant(row: GrantTable): Grant {
  return {
    id: row.id,
    orgId: row.org_id,
    directoryId: row.directory_id,
    serviceAccountId: row.service_account_id,
    role: parseGrantRole(row.role),
    createdAt: row.created_at,
  };
}
