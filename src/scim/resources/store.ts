import { sql } from 'kysely';
import type { Storage } from '../../storage/database.js';
import { newId, nowIso } from '../../storage/ids.js';
import { type Param, PreparedQuery } from '../../storage/prepared.js';
import { ScimError } from '../errors.js';
import { checkIfMatch, weakEtag } from '../etag.js';
import { compileSortKey, type SortKey } from '../filter/sort-key.js';
import { compileFilter, type FilterColumns } from '../filter/sql.js';
import type { SortValue } from '../list-cursor.js';
import { listOrder } from '../list-keyset.js';
import type { ListQuery } from '../list-query.js';
import { sameValue } from '../patch/apply.js';
import { checkImmutable } from '../schema/mutability.js';
import type { ResourceTypeDefinition } from '../schema/resource-types.js';
import { type Projection, shapeResource } from '../schema/shape.js';
import type { ResourceReader } from '../schema/validate.js';
import { isStorableText } from '../text.js';
import { appendEvent, type Executor } from './events.js';
import { removeFromAllGroups } from './memberships.js';

type JsonObject = Record<string, unknown>;

/** The storage layout of one resource type: its table, indexed columns and unique attribute. */
export interface ResourceStore {
  readonly table: 'scim_users' | 'scim_groups';
  readonly resourceType: ResourceTypeDefinition & { readonly name: 'User' | 'Group' };
  readonly filterColumns: FilterColumns;
  /** The attribute a unique index guards within a directory, for the 409 message. */
  readonly uniqueAttribute: string;
  /** The indexed columns derived from the attributes. */
  columns(attributes: JsonObject): Record<string, string | number | null>;
}

/** A stored resource: the client-written attributes with `schemas`, and what the server keeps. */
export interface ResourceRecord {
  id: string;
  directoryId: string;
  /** Attributes with `schemas`, without `id`, `meta` and group `members`. */
  attributes: JsonObject;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Conditions of a write: the request's `If-Match` header. */
export interface WriteConditions {
  readonly ifMatch: string | undefined;
}

/** The columns both resource tables share. */
interface StoredRow {
  id: string;
  directory_id: string;
  resource: unknown;
  version: number;
  created_at: string;
  updated_at: string;
}

/**
 * Inserts a resource and records a `create` event in one transaction; `extra` runs in the same
 * transaction (group members). A unique-index violation is 409 `uniqueness`: the index decides,
 * so concurrent creates are safe.
 */
export async function insertResource(
  storage: Storage,
  store: ResourceStore,
  directoryId: string,
  attributes: JsonObject,
  extra: (trx: Executor, id: string) => Promise<unknown> = async () => undefined,
): Promise<ResourceRecord> {
  const now = nowIso();
  const row = {
    id: newId(),
    directory_id: directoryId,
    ...store.columns(attributes),
    resource: storage.dialect.toJson(attributes),
    version: 1,
    created_at: now,
    updated_at: now,
  };

  await withUniqueness(
    storage,
    store,
    () => attributes,
    () =>
      storage.db.transaction().execute(async (trx) => {
        await trx
          .insertInto(store.table)
          .values(row as never)
          .execute();
        await extra(trx, row.id);
        await appendEvent(trx, directoryId, store.resourceType.name, row.id, 'create', now);
      }),
  );
  return { id: row.id, directoryId, attributes, version: 1, createdAt: now, updatedAt: now };
}

/**
 * Runs one update in a transaction: locks the row, checks `If-Match` against its version, lets
 * `compute` build the new attributes (and make membership changes, reporting whether any row
 * changed), and moves to a new version only when something changed.
 */
export async function updateResource(
  storage: Storage,
  store: ResourceStore,
  directoryId: string,
  id: string,
  conditions: WriteConditions,
  compute: (
    current: JsonObject,
    trx: Executor,
  ) => Promise<{ attributes: JsonObject; changedRows: boolean }>,
): Promise<ResourceRecord> {
  let next: JsonObject = {};
  return withUniqueness(
    storage,
    store,
    () => next,
    () =>
      storage.db.transaction().execute(async (trx) => {
        const row = await lockRow(storage, store, trx, directoryId, id);
        checkIfMatch(conditions.ifMatch, row.version);

        const current = toRecord(storage, row);
        const { attributes, changedRows } = await compute(current.attributes, trx);
        next = attributes;
        checkImmutable(store.resourceType, current.attributes, next);
        if (!changedRows && sameValue(next, current.attributes)) return current;

        const now = nowIso();
        const version = row.version + 1;
        const result = await trx
          .updateTable(store.table)
          .set({
            ...store.columns(next),
            resource: storage.dialect.toJson(next),
            version,
            updated_at: now,
          } as never)
          .where('id', '=', id)
          .where('version', '=', row.version)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) {
          throw ScimError.withStatus(412, `${id} was changed by another request; read it again`);
        }

        await appendEvent(trx, directoryId, store.resourceType.name, id, 'update', now);
        return { ...current, attributes: next, version, updatedAt: now };
      }),
  );
}

/** Deletes a resource and every membership it has, as member or as group. */
export async function deleteResource(
  storage: Storage,
  store: ResourceStore,
  directoryId: string,
  id: string,
  conditions: WriteConditions,
): Promise<void> {
  await storage.db.transaction().execute(async (trx) => {
    const row = await lockRow(storage, store, trx, directoryId, id);
    checkIfMatch(conditions.ifMatch, row.version);

    const now = nowIso();
    await removeFromAllGroups(trx, directoryId, id, now);
    if (store.table === 'scim_groups') {
      await trx.deleteFrom('scim_group_members').where('group_id', '=', id).execute();
    }
    await trx.deleteFrom(store.table).where('id', '=', id).execute();
    await appendEvent(trx, directoryId, store.resourceType.name, id, 'delete', now);
  });
}

/** Reads a resource of the directory; 404 for an unknown id or another directory's. */
export async function getResource(
  storage: Storage,
  store: ResourceStore,
  directoryId: string,
  id: string,
): Promise<ResourceRecord> {
  if (!isStorableText(id)) throw notFound(store, id);

  const row = await getQueries[store.table].executeTakeFirst(storage.db, { directoryId, id });
  if (!row) throw notFound(store, id);
  return toRecord(storage, row);
}

function getQuery(table: ResourceStore['table'], forUpdate: boolean) {
  return new PreparedQuery((db, param: Param<{ directoryId: string; id: string }>) =>
    db
      .selectFrom(table)
      .select(['id', 'directory_id', 'resource', 'version', 'created_at', 'updated_at'])
      .where('directory_id', '=', param('directoryId'))
      .where('id', '=', param('id'))
      .$if(forUpdate, (query) => query.forUpdate()),
  );
}

const getQueries = {
  scim_users: getQuery('scim_users', false),
  scim_groups: getQuery('scim_groups', false),
};
/** Reads that lock the row on PostgreSQL. SQLite runs one write transaction at a time. */
const lockQueries = {
  scim_users: getQuery('scim_users', true),
  scim_groups: getQuery('scim_groups', true),
};

/** A listed resource with the value it was sorted by, from which a cursor continues. */
export interface ListedRecord extends ResourceRecord {
  readonly sortValue: SortValue;
}

/**
 * Lists a page of the directory's resources matching the query's filter, with the total number
 * of matches, in the order listOrder describes. Index paging skips `startIndex - 1` matches.
 * Cursor paging starts after `query.after` (keyset paging), so inserts and deletes elsewhere in
 * the order never shift a page.
 */
export async function listResources(
  storage: Storage,
  store: ResourceStore,
  directoryId: string,
  query: ListQuery,
): Promise<{ totalResults: number; records: ListedRecord[] }> {
  const order = listOrder(
    listSortKey(storage, store, query),
    query.descending,
    storage.dialect.name,
    query.filter !== undefined,
  );

  let matching = storage.db.selectFrom(store.table).where('directory_id', '=', directoryId);
  if (query.filter) {
    matching = matching.where(compileFilter(query.filter, store, storage.dialect.name));
  }

  const { total } = await matching
    .select((eb) => eb.fn.countAll().as('total'))
    .executeTakeFirstOrThrow();
  const totalResults = Number(total);
  const isCursor = query.cursor !== undefined;
  if (query.count === 0 || (!isCursor && totalResults < query.startIndex)) {
    return { totalResults, records: [] };
  }

  let page = matching
    .select(['id', 'directory_id', 'resource', 'version', 'created_at', 'updated_at'])
    .select(order.value.as('sort_value'))
    .limit(query.count);
  for (const term of order.orderBy) page = page.orderBy(term);
  if (isCursor && query.after) {
    page = page.where(order.after(query.after));
  } else if (!isCursor) {
    page = page.offset(query.startIndex - 1);
  }

  const rows = await page.execute();
  return {
    totalResults,
    records: rows.map((row) => ({
      ...toRecord(storage, row),
      sortValue: (row as { sort_value: SortValue }).sort_value,
    })),
  };
}

/** Resolves `sortBy`, or NULL for a root search type without it; undefined without `sortBy`. */
function listSortKey(
  storage: Storage,
  store: ResourceStore,
  query: ListQuery,
): SortKey | undefined {
  if (query.sortBy === undefined) return undefined;
  try {
    return compileSortKey(query.sortBy, store, storage.dialect.name);
  } catch (error) {
    const lacksAttribute =
      error instanceof ScimError && error.detail.includes(' is not an attribute of ');
    if (!query.sortMissingAttributes || !lacksAttribute) throw error;
    // A typed NULL, because PostgreSQL rejects a bare constant in ORDER BY.
    return { attribute: query.sortBy, expression: sql`cast(null as text)`, notNull: false };
  }
}

/**
 * Validates a whole resource body with the reader; `context` prefixes error details, so that an
 * error found after a PATCH names that moment.
 */
export function readWhole(reader: ResourceReader, body: unknown, context = '') {
  try {
    return reader.readResource(body);
  } catch (error) {
    if (!context || !(error instanceof ScimError) || !error.scimType) throw error;
    throw ScimError.of(error.scimType, `${context}${error.detail}`);
  }
}

/**
 * Builds the SCIM representation of a stored resource with `meta` (RFC 7643 §3.1), shaped by the
 * request's projection. `derived` contains what the server computes, such as `groups` or `members`.
 */
export function toScimResource(
  resourceType: ResourceTypeDefinition,
  record: ResourceRecord,
  location: string,
  projection: Projection,
  derived: JsonObject,
): JsonObject {
  const { schemas, ...attributes } = record.attributes;
  const full: JsonObject = {
    schemas,
    id: record.id,
    ...attributes,
    ...derived,
    meta: {
      resourceType: resourceType.name,
      created: record.createdAt,
      lastModified: record.updatedAt,
      location,
      version: weakEtag(record.version),
    },
  };
  return shapeResource(resourceType, full, projection);
}

/** Rejects a body whose `id` names another resource than the URL (RFC 7644 §3.5.1). */
export function checkBodyId(body: unknown, id: string): void {
  if (typeof body !== 'object' || body === null) return;
  const entry = Object.entries(body).find(([key]) => key.toLowerCase() === 'id');
  if (entry && entry[1] !== undefined && entry[1] !== id) {
    throw ScimError.of(
      'invalidValue',
      `id ${JSON.stringify(entry[1])} in the body differs from the id in the URL`,
    );
  }
}

/** Reads a row for update; PostgreSQL locks it, and SQLite runs one transaction at a time. */
async function lockRow(
  storage: Storage,
  store: ResourceStore,
  trx: Executor,
  directoryId: string,
  id: string,
): Promise<StoredRow> {
  if (!isStorableText(id)) throw notFound(store, id);
  const query = storage.dialect.name === 'postgres' ? lockQueries : getQueries;
  const row = await query[store.table].executeTakeFirst(trx, { directoryId, id });
  if (!row) throw notFound(store, id);
  return row;
}

async function withUniqueness<T>(
  storage: Storage,
  store: ResourceStore,
  attributes: () => JsonObject,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (storage.dialect.isUniqueViolation(error)) {
      const value = JSON.stringify(attributes()[store.uniqueAttribute]);
      throw ScimError.of(
        'uniqueness',
        `${store.uniqueAttribute} ${value} is already used in this directory`,
      );
    }
    throw error;
  }
}

function notFound(store: ResourceStore, id: string): ScimError {
  return ScimError.withStatus(404, `${store.resourceType.name} ${id} not found`);
}

function toRecord(storage: Storage, row: StoredRow): ResourceRecord {
  return {
    id: row.id,
    directoryId: row.directory_id,
    attributes: storage.dialect.parseJson<JsonObject>(row.resource),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
