import type { Storage } from '../storage/database.js';
import { newId, nowIso } from '../storage/ids.js';
import type { DirectoryApiTokenTable } from '../storage/schema.js';
import { SCOPES, type Scope } from './clients.js';
import { getDirectory } from './directories.js';
import { InvalidFieldError, NotFoundError } from './errors.js';
import { generateSecret, hashSecret, verifySecret } from './secret-hash.js';

/**
 * Prefix of directory API tokens. It lets the SCIM API tell them from JWT access tokens without
 * parsing, and lets secret scanners recognise a leaked one.
 */
export const API_TOKEN_PREFIX = 'scimd_dat_';

/** `scimd_dat_{token id without dashes}_{secret}`; the id finds the row, the secret proves it. */
const API_TOKEN_PATTERN = /^scimd_dat_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

/** Minimum time between two writes of `last_used_at` for one token, in ms. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** A long-lived bearer secret for one directory, for identity providers that cannot use OAuth. */
export interface ApiToken {
  id: string;
  orgId: string;
  directoryId: string;
  name: string;
  scope: Scope;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  rotatedAt: string | null;
}

/** Reports whether a bearer credential has the form of a directory API token. */
export function isApiToken(value: string): boolean {
  return value.startsWith(API_TOKEN_PREFIX);
}

export function parseApiTokenScope(value: unknown): Scope {
  const scope = SCOPES.find((candidate) => candidate === value);
  if (!scope) throw new InvalidFieldError('scope', `must be one of ${SCOPES.join(', ')}`);
  return scope;
}

/** Reads an optional expiry: an ISO 8601 time in the future, or null for none. */
export function parseApiTokenExpiry(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new InvalidFieldError(
      'expiresAt',
      'must be an ISO 8601 date and time, such as 2030-01-01T00:00:00Z',
    );
  }
  if (time <= Date.now()) throw new InvalidFieldError('expiresAt', 'must be in the future');
  return new Date(time).toISOString();
}

/** Creates a token for a directory of the organization; the token text is returned only here. */
export async function createApiToken(
  storage: Storage,
  orgId: string,
  directoryId: string,
  input: { name: string; scope: Scope; expiresAt: string | null },
): Promise<{ token: string; apiToken: ApiToken }> {
  await getDirectory(storage, orgId, directoryId);

  const id = newId();
  const secret = generateSecret();
  const row: DirectoryApiTokenTable = {
    id,
    org_id: orgId,
    directory_id: directoryId,
    name: input.name,
    scope: input.scope,
    secret_hash: hashSecret(secret),
    expires_at: input.expiresAt,
    last_used_at: null,
    created_at: nowIso(),
    rotated_at: null,
  };
  await storage.db.insertInto('directory_api_tokens').values(row).execute();
  return { token: formatToken(id, secret), apiToken: toApiToken(row) };
}

export async function listApiTokens(
  storage: Storage,
  orgId: string,
  directoryId: string,
): Promise<ApiToken[]> {
  await getDirectory(storage, orgId, directoryId);
  const rows = await storage.db
    .selectFrom('directory_api_tokens')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('directory_id', '=', directoryId)
    .orderBy('created_at')
    .execute();
  return rows.map(toApiToken);
}

/** Replaces a token's secret; the old text stops working at once. Returns the new text once. */
export async function rotateApiToken(
  storage: Storage,
  orgId: string,
  directoryId: string,
  id: string,
): Promise<{ token: string; apiToken: ApiToken }> {
  const secret = generateSecret();
  const rotatedAt = nowIso();
  const result = await storage.db
    .updateTable('directory_api_tokens')
    .set({ secret_hash: hashSecret(secret), rotated_at: rotatedAt })
    .where('org_id', '=', orgId)
    .where('directory_id', '=', directoryId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new NotFoundError('API token', id);

  const row = await storage.db
    .selectFrom('directory_api_tokens')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { token: formatToken(id, secret), apiToken: toApiToken(row) };
}

/** Deletes a token; requests that carry it are refused from then on. */
export async function revokeApiToken(
  storage: Storage,
  orgId: string,
  directoryId: string,
  id: string,
): Promise<void> {
  const result = await storage.db
    .deleteFrom('directory_api_tokens')
    .where('org_id', '=', orgId)
    .where('directory_id', '=', directoryId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError('API token', id);
}

/**
 * Returns the token a bearer credential names when its secret matches and it has not expired,
 * and records the use; undefined otherwise.
 */
export async function verifyApiToken(
  storage: Storage,
  presented: string,
): Promise<ApiToken | undefined> {
  const match = API_TOKEN_PATTERN.exec(presented);
  if (!match) return undefined;

  const id = toUuid(match[1]!);
  const row = await storage.db
    .selectFrom('directory_api_tokens')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || !verifySecret(match[2]!, row.secret_hash)) return undefined;
  if (row.expires_at !== null && row.expires_at <= nowIso()) return undefined;

  await recordUse(storage, row);
  return toApiToken(row);
}

async function recordUse(storage: Storage, row: DirectoryApiTokenTable): Promise<void> {
  const now = Date.now();
  if (row.last_used_at !== null && now - Date.parse(row.last_used_at) < LAST_USED_RESOLUTION_MS) {
    return;
  }
  row.last_used_at = new Date(now).toISOString();
  await storage.db
    .updateTable('directory_api_tokens')
    .set({ last_used_at: row.last_used_at })
    .where('id', '=', row.id)
    .execute();
}

function formatToken(id: string, secret: string): string {
  return `${API_TOKEN_PREFIX}${id.replaceAll('-', '')}_${secret}`;
}

function toUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function toApiToken(row: DirectoryApiTokenTable): ApiToken {
  return {
    id: row.id,
    orgId: row.org_id,
    directoryId: row.directory_id,
    name: row.name,
    scope: row.scope as Scope,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    createdAt: row.created_at,
    rotatedAt: row.rotated_at,
  };
}
