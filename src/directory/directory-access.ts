import type { Storage } from '../storage/database.js';
import { type Param, PreparedQuery } from '../storage/prepared.js';
import { type GrantRole, parseGrantRole } from './grants.js';
import type { DirectoryReadOptions } from './scim-options.js';

/** Outcome of the access check of a client on one directory, read for every SCIM request. */
export type DirectoryAccess =
  | { readonly kind: 'client-gone' }
  | { readonly kind: 'account-disabled' }
  | { readonly kind: 'no-grant' }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'granted'; readonly role: GrantRole; readonly options: DirectoryReadOptions };

export interface DirectoryAccessSubject {
  clientId: string;
  orgId: string;
  serviceAccountId: string;
  /** Directory in the request URL; undefined when the URL cannot name a stored directory. */
  directoryId: string | undefined;
}

const accessQuery = new PreparedQuery(
  (db, param: Param<{ clientId: string; directoryId: string }>) =>
    db
      .selectFrom('oauth_clients as c')
      .leftJoin('service_accounts as a', (join) =>
        join.onRef('a.id', '=', 'c.service_account_id').onRef('a.org_id', '=', 'c.org_id'),
      )
      .leftJoin('directories as d', (join) =>
        join.on('d.id', '=', param('directoryId')).onRef('d.org_id', '=', 'c.org_id'),
      )
      .leftJoin('grants as g', (join) =>
        join
          .onRef('g.directory_id', '=', 'd.id')
          .onRef('g.service_account_id', '=', 'c.service_account_id')
          .onRef('g.org_id', '=', 'c.org_id'),
      )
      .leftJoin('scim_directory_options as o', 'o.directory_id', 'd.id')
      .select([
        'c.service_account_id',
        'c.org_id',
        'a.disabled as account_disabled',
        'd.provisioning_stopped',
        'g.role',
        'o.strict',
      ])
      .where('c.client_id', '=', param('clientId')),
);

/**
 * Reads, in one query, whether the client still exists for the same service account and
 * organization, whether that account is enabled, and the account's grant on the directory with
 * the directory's state and read options. The outcomes come in the order the checks must fail:
 * an unusable token before a missing grant. An unknown directory, another organization's
 * directory and a missing grant are all `no-grant`, so callers cannot tell them apart.
 */
export async function readDirectoryAccess(
  storage: Storage,
  subject: DirectoryAccessSubject,
): Promise<DirectoryAccess> {
  // Directory ids are UUIDs, so the empty string matches no directory.
  const directoryId = subject.directoryId ?? '';
  const row = await accessQuery.executeTakeFirst(storage.db, {
    clientId: subject.clientId,
    directoryId,
  });

  if (!row || row.service_account_id !== subject.serviceAccountId || row.org_id !== subject.orgId) {
    return { kind: 'client-gone' };
  }
  if (row.account_disabled === null || row.account_disabled === 1) {
    return { kind: 'account-disabled' };
  }
  if (row.role === null) return { kind: 'no-grant' };
  if (row.provisioning_stopped === 1) return { kind: 'stopped' };
  return {
    kind: 'granted',
    role: parseGrantRole(row.role),
    options: { strict: row.strict === 1 },
  };
}
