import type { Storage } from '../../storage/database.js';
import { newId, nowIso } from '../../storage/ids.js';
import type { ScimUserTable } from '../../storage/schema.js';
import { ScimError } from '../errors.js';
import { weakEtag } from '../etag.js';
import { compileFilter, type FilterColumns } from '../filter/sql.js';
import type { ListQuery } from '../list-query.js';
import { userResourceType } from '../schema/resource-types.js';
import { removeNeverReturned } from '../schema/shape.js';
import { validateNewResource } from '../schema/validate.js';
import { isStorableText } from '../text.js';
import { hashPassword } from './password.js';

type JsonObject = Record<string, unknown>;

/** A stored user: the client-written attributes with `schemas`, and what the server keeps. */
export interface UserRecord {
  id: string;
  directoryId: string;
  /** Attributes with `schemas`, without `id` and `meta`; `password` is a scrypt hash. */
  attributes: JsonObject;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The SCIM representation of a user, as returned to clients. */
export interface UserResource extends JsonObject {
  id: string;
  meta: {
    resourceType: 'User';
    created: string;
    lastModified: string;
    location: string;
    version: string;
  };
}

/**
 * Columns that user filters compile to. `userName` is case-insensitive (RFC 7643 §4.1), so its
 * column stores the lower-cased value; `id` and `externalId` are case-exact (RFC 7643 §3.1).
 */
const USER_FILTER_COLUMNS: FilterColumns = {
  id: { column: 'id', lowerCased: false },
  externalId: { column: 'external_id', lowerCased: false },
  userName: { column: 'user_name_key', lowerCased: true },
};

/**
 * Creates a user from a SCIM request body and records a `create` event in the same transaction.
 * Throws a ScimError: 400 for an invalid body, 409 `uniqueness` when the directory already has
 * the userName in any letter case.
 */
export async function createUser(
  storage: Storage,
  directoryId: string,
  body: unknown,
): Promise<UserRecord> {
  const { schemas, values } = validateNewResource(userResourceType, body);

  // RFC 7643 §4.1 leaves the default open; a user created without `active` is active.
  const attributes: JsonObject = { schemas, ...values, active: values.active ?? true };
  if (typeof attributes.password === 'string') {
    attributes.password = await hashPassword(attributes.password);
  }

  const now = nowIso();
  const userName = attributes.userName as string;
  const row: ScimUserTable = {
    id: newId(),
    directory_id: directoryId,
    user_name: userName,
    user_name_key: userName.toLowerCase(),
    external_id: typeof attributes.externalId === 'string' ? attributes.externalId : null,
    display_name: typeof attributes.displayName === 'string' ? attributes.displayName : null,
    active: attributes.active === true ? 1 : 0,
    resource: storage.dialect.toJson(attributes),
    version: 1,
    created_at: now,
    updated_at: now,
  };

  try {
    await storage.db.transaction().execute(async (trx) => {
      await trx.insertInto('scim_users').values(row).execute();
      await trx
        .insertInto('directory_events')
        .values({
          id: newId(),
          directory_id: directoryId,
          resource_type: 'User',
          resource_id: row.id,
          action: 'create',
          created_at: now,
        })
        .execute();
    });
  } catch (error) {
    // The unique index on (directory_id, user_name_key) decides, so concurrent creates are safe.
    if (storage.dialect.isUniqueViolation(error)) {
      throw ScimError.of(
        'uniqueness',
        `userName ${JSON.stringify(userName)} is already used in this directory`,
      );
    }
    throw error;
  }

  return { id: row.id, directoryId, attributes, version: 1, createdAt: now, updatedAt: now };
}

/** Reads a user of the directory; throws a 404 ScimError for an unknown id or another directory's. */
export async function getUser(
  storage: Storage,
  directoryId: string,
  id: string,
): Promise<UserRecord> {
  if (!isStorableText(id)) throw ScimError.withStatus(404, `User ${id} not found`);

  const row = await storage.db
    .selectFrom('scim_users')
    .selectAll()
    .where('directory_id', '=', directoryId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw ScimError.withStatus(404, `User ${id} not found`);
  return toRecord(storage, row);
}

/**
 * Lists a page of the directory's users matching the query's filter, ordered by id so that pages
 * stay stable, with the total number of matches.
 */
export async function listUsers(
  storage: Storage,
  directoryId: string,
  query: ListQuery,
): Promise<{ totalResults: number; users: UserRecord[] }> {
  let matching = storage.db.selectFrom('scim_users').where('directory_id', '=', directoryId);
  if (query.filter) {
    matching = matching.where(compileFilter(query.filter, userResourceType, USER_FILTER_COLUMNS));
  }

  const { total } = await matching
    .select((eb) => eb.fn.countAll().as('total'))
    .executeTakeFirstOrThrow();
  const totalResults = Number(total);
  if (query.count === 0 || totalResults < query.startIndex) return { totalResults, users: [] };

  const rows = await matching
    .selectAll()
    .orderBy('id')
    .limit(query.count)
    .offset(query.startIndex - 1)
    .execute();
  return { totalResults, users: rows.map((row) => toRecord(storage, row)) };
}

/** Builds the SCIM representation of a user; `location` is the user's URL. */
export function toUserResource(record: UserRecord, location: string): UserResource {
  const { schemas, ...attributes } = removeNeverReturned(userResourceType, record.attributes);
  return {
    schemas,
    id: record.id,
    ...attributes,
    meta: {
      resourceType: 'User',
      created: record.createdAt,
      lastModified: record.updatedAt,
      location,
      version: weakEtag(record.version),
    },
  };
}

function toRecord(storage: Storage, row: ScimUserTable): UserRecord {
  return {
    id: row.id,
    directoryId: row.directory_id,
    attributes: storage.dialect.parseJson<JsonObject>(row.resource),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
