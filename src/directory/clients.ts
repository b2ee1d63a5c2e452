import { randomBytes } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import type { Storage } from '../storage/database.js';
import { newId, nowIso } from '../storage/ids.js';
import type { OAuthClientTable } from '../storage/schema.js';
import { noteClientChange } from './client-changes.js';
import { InvalidFieldError, NotFoundError } from './errors.js';
import { getServiceAccount } from './service-accounts.js';

/** Scopes a client may be allowed: `manage:directory` reads and writes SCIM, `read:directory` reads. */
export const SCOPES = ['manage:directory', 'read:directory'] as const;
export type Scope = (typeof SCOPES)[number];

/** OAuth 2.0 credentials of a service account. */
export interface OAuthClient {
  id: string;
  orgId: string;
  serviceAccountId: string;
  clientId: string;
  name: string;
  scopes: Scope[];
  jwks: JSONWebKeySet | null;
  jwksUri: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Checks a list of scopes against the known ones; an empty list is invalid. */
export function parseScopes(value: unknown, field = 'scopes'): Scope[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidFieldError(field, `must be a non-empty array of: ${SCOPES.join(', ')}`);
  }
  const scopes = new Set<Scope>();
  for (const item of value) {
    const scope = SCOPES.find((known) => known === item);
    if (!scope) {
      throw new InvalidFieldError(
        field,
        `unknown scope ${JSON.stringify(item)}; known: ${SCOPES.join(', ')}`,
      );
    }
    scopes.add(scope);
  }
  return [...scopes];
}

/** Creates a client for a service account of the organization, with a new random client id. */
export async function createClient(
  storage: Storage,
  orgId: string,
  serviceAccountId: string,
  input: { name: string; scopes: Scope[] },
): Promise<OAuthClient> {
  await getServiceAccount(storage, orgId, serviceAccountId);

  const now = nowIso();
  const row: OAuthClientTable = {
    id: newId(),
    org_id: orgId,
    service_account_id: serviceAccountId,
    client_id: `scimd-${randomBytes(12).toString('hex')}`,
    name: input.name,
    scopes: JSON.stringify(input.scopes),
    jwks: null,
    jwks_uri: null,
    created_at: now,
    updated_at: now,
  };
  await storage.db.insertInto('oauth_clients').values(row).execute();
  return toClient(row);
}

/** Lists an organization's clients, or one service account's when `serviceAccountId` is given. */
export async function listClients(
  storage: Storage,
  orgId: string,
  serviceAccountId?: string,
): Promise<OAuthClient[]> {
  let query = storage.db.selectFrom('oauth_clients').selectAll().where('org_id', '=', orgId);
  if (serviceAccountId !== undefined) {
    await getServiceAccount(storage, orgId, serviceAccountId);
    query = query.where('service_account_id', '=', serviceAccountId);
  }
  const rows = await query.orderBy('created_at').execute();
  return rows.map(toClient);
}

/** Reads a client of the organization by its `client_id`. */
export async function getClient(
  storage: Storage,
  orgId: string,
  clientId: string,
): Promise<OAuthClient> {
  const row = await storage.db
    .selectFrom('oauth_clients')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('client', clientId);
  return toClient(row);
}

/** Finds a client by `client_id` in any organization, for the token endpoint. */
export async function findClientByClientId(
  storage: Storage,
  clientId: string,
): Promise<OAuthClient | undefined> {
  const row = await storage.db
    .selectFrom('oauth_clients')
    .selectAll()
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return row ? toClient(row) : undefined;
}

/** Replaces the keys a client authenticates with; at least one of `jwks` and `jwksUri` is set. */
export async function setClientKeys(
  storage: Storage,
  orgId: string,
  clientId: string,
  keys: { jwks: JSONWebKeySet | null; jwksUri: string | null },
): Promise<OAuthClient> {
  const result = await storage.db
    .updateTable('oauth_clients')
    .set({
      jwks: keys.jwks ? JSON.stringify(keys.jwks) : null,
      jwks_uri: keys.jwksUri,
      updated_at: nowIso(),
    })
    .where('org_id', '=', orgId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  noteClientChange();
  if (result.numUpdatedRows === 0n) throw new NotFoundError('client', clientId);
  return getClient(storage, orgId, clientId);
}

export async function deleteClient(
  storage: Storage,
  orgId: string,
  clientId: string,
): Promise<void> {
  const result = await storage.db
    .deleteFrom('oauth_clients')
    .where('org_id', '=', orgId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  noteClientChange();
  if (result.numDeletedRows === 0n) throw new NotFoundError('client', clientId);
}

function toClient(row: OAuthClientTable): OAuthClient {
  return {
    id: row.id,
    orgId: row.org_id,
    serviceAccountId: row.service_account_id,
    clientId: row.client_id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as Scope[],
    jwks: row.jwks ? (JSON.parse(row.jwks) as JSONWebKeySet) : null,
    jwksUri: row.jwks_uri,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
