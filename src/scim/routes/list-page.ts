import type { AppContext } from '../../server/context.js';
import { ScimError } from '../errors.js';
import { compileSortKey } from '../filter/sort-key.js';
import {
  type CursorPosition,
  type CursorScope,
  decodeCursor,
  encodeCursor,
  type SortValue,
} from '../list-cursor.js';
import { type ListQuery, type ListResponse, listResponse } from '../list-query.js';
import type { ResourceRecord } from '../resources/store.js';
import type { Projection } from '../schema/shape.js';
import type { ResourceEndpoint } from './resource-routes.js';

/**
 * A listed record. `listResources` adds the value it was sorted by (ListedRecord), and the
 * endpoints' list functions pass its records through under the narrower ResourceRecord type.
 */
type Listed = ResourceRecord & { sortValue?: SortValue };

/**
 * Runs a list query on one endpoint and builds the ListResponse. Cursor paging requests one
 * resource more than the page holds, to know whether a next page exists.
 */
export async function listEndpoint(
  context: AppContext,
  spec: ResourceEndpoint,
  directoryId: string,
  query: ListQuery,
  projection: Projection,
): Promise<ListResponse<unknown>> {
  // Resolving sortBy here rejects a bad attribute before any query runs.
  const attribute = query.sortBy
    ? compileSortKey(query.sortBy, spec.store, context.storage.dialect.name).attribute
    : 'id';
  const scope = cursorScope(directoryId, spec.resourceType.name, query, attribute);
  const after = readCursor(context, scope, query);

  const isCursor = query.cursor !== undefined;
  const { totalResults, records } = await spec.list(context.storage, directoryId, {
    ...query,
    ...(after ? { after } : {}),
    count: isCursor ? query.count + 1 : query.count,
  });

  const page = isCursor ? records.slice(0, query.count) : records;
  const resources = spec.presentPage
    ? await spec.presentPage(directoryId, page, projection)
    : await presentEach(spec, directoryId, page, projection);
  const next =
    isCursor && records.length > query.count ? nextCursor(context, scope, page) : undefined;
  return listResponse(resources, totalResults, query, next);
}

/** One resource type of a search across types, with the projection its names resolve to. */
export interface SearchedEndpoint {
  readonly spec: ResourceEndpoint;
  readonly projection: Projection;
}

/**
 * Runs a search across resource types (`POST /.search` at the directory root). `totalResults`
 * is the sum over the types. The order is one total order over all types, by the sort key
 * (missing values last in ascending order) and then by id, so index and cursor paging work as
 * on one endpoint. A type that lacks the `sortBy` attribute sorts as missing values. A type that
 * lacks an attribute the filter names matches nothing. An attribute that no type has is 400.
 *
 * Each type returns its first `startIndex - 1 + count` matches (or `count + 1` after a cursor)
 * and the pages are merged here.
 * NOTE: index paging deep into a large directory reads every earlier match from the database;
 * cursor paging reads one page per type.
 */
export async function searchEndpoints(
  context: AppContext,
  endpoints: readonly SearchedEndpoint[],
  directoryId: string,
  query: ListQuery,
): Promise<ListResponse<unknown>> {
  const attribute = rootSortAttribute(context, endpoints, query);
  const scope = cursorScope(directoryId, 'root', query, attribute);
  const after = readCursor(context, scope, query);
  const isCursor = query.cursor !== undefined;

  const perType = {
    ...query,
    ...(after ? { after } : {}),
    sortMissingAttributes: true,
    startIndex: 1,
    count: isCursor ? query.count + 1 : query.count && query.startIndex - 1 + query.count,
    cursor: isCursor ? query.cursor : undefined,
  };
  const results = await Promise.allSettled(
    endpoints.map((endpoint) => endpoint.spec.list(context.storage, directoryId, perType)),
  );
  const failures = results.filter((result) => result.status === 'rejected');
  if (failures.length === results.length) throw failures[0]!.reason;
  for (const failure of failures) {
    // Only a filter on an attribute that this type lacks may leave it out of the search.
    // TODO: a filter compiled for the root should read such an attribute as unassigned, so that
    // `not (userName eq "x")` matches groups; today the whole type matches nothing.
    const error = failure.reason;
    if (
      !(error instanceof ScimError && error.scimType === 'invalidFilter' && lacksAttribute(error))
    ) {
      throw error;
    }
  }

  let totalResults = 0;
  const merged: { endpoint: SearchedEndpoint; record: Listed }[] = [];
  results.forEach((result, index) => {
    if (result.status !== 'fulfilled') return;
    totalResults += result.value.totalResults;
    for (const record of result.value.records) merged.push({ endpoint: endpoints[index]!, record });
  });
  merged.sort((a, b) => compareListed(a.record, b.record, query.descending));

  const start = isCursor ? 0 : query.startIndex - 1;
  const page = merged.slice(start, start + query.count);
  const resources = await presentMerged(directoryId, page);
  const more = isCursor && merged.length > query.count;
  const next = more
    ? nextCursor(
        context,
        scope,
        page.map((entry) => entry.record),
      )
    : undefined;
  return listResponse(resources, totalResults, query, next);
}

/** Checks `sortBy` against every type: known to at least one, and singular wherever it is known. */
function rootSortAttribute(
  context: AppContext,
  endpoints: readonly SearchedEndpoint[],
  query: ListQuery,
): string {
  if (!query.sortBy) return 'id';

  let attribute: string | undefined;
  let unknown: unknown;
  for (const { spec } of endpoints) {
    try {
      attribute ??= compileSortKey(
        query.sortBy,
        spec.store,
        context.storage.dialect.name,
      ).attribute;
    } catch (error) {
      if (!(error instanceof ScimError) || !lacksAttribute(error)) throw error;
      unknown ??= error;
    }
  }
  if (attribute === undefined) throw unknown;
  return attribute;
}

/** Checks whether an error rejects an attribute that the resource type does not define. */
function lacksAttribute(error: ScimError): boolean {
  return / is not (an attribute|a schema) of /.test(error.detail);
}

/**
 * Orders two records as the database does: missing values last, text by code point (UTF-8 byte
 * order), numbers by value, then ids by code point. Descending order reverses all of it.
 */
function compareListed(a: Listed, b: Listed, descending: boolean): number {
  const order = compareValues(a.sortValue ?? null, b.sortValue ?? null) || compareText(a.id, b.id);
  return descending ? -order : order;
}

function compareValues(a: SortValue, b: SortValue): number {
  if (a === null || b === null) return (a === null ? 1 : 0) - (b === null ? 1 : 0);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareText(String(a), String(b));
}

function compareText(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function cursorScope(
  directoryId: string,
  endpoint: string,
  query: ListQuery,
  sortBy: string,
): CursorScope {
  return { directoryId, endpoint, filter: query.filterText, sortBy, descending: query.descending };
}

/** Decodes a non-empty cursor; an empty one starts cursor paging at the first resource. */
function readCursor(
  context: AppContext,
  scope: CursorScope,
  query: ListQuery,
): CursorPosition | undefined {
  if (!query.cursor) return undefined;
  return decodeCursor(context.config, scope, query.cursor);
}

function nextCursor(context: AppContext, scope: CursorScope, page: readonly Listed[]): string {
  const last = page.at(-1)!;
  if (!('sortValue' in last))
    throw new Error('listed records lack sortValue; list with listResources');
  return encodeCursor(context.config, scope, { value: last.sortValue ?? null, id: last.id });
}

/** Presents a merged page with one presentPage call per type, keeping the merged order. */
async function presentMerged(
  directoryId: string,
  page: readonly { endpoint: SearchedEndpoint; record: Listed }[],
): Promise<unknown[]> {
  const resources: unknown[] = new Array(page.length);
  for (const endpoint of new Set(page.map((entry) => entry.endpoint))) {
    const positions = page.flatMap((entry, index) => (entry.endpoint === endpoint ? [index] : []));
    const records = positions.map((index) => page[index]!.record);
    const presented = endpoint.spec.presentPage
      ? await endpoint.spec.presentPage(directoryId, records, endpoint.projection)
      : await presentEach(endpoint.spec, directoryId, records, endpoint.projection);
    positions.forEach((position, index) => {
      resources[position] = presented[index];
    });
  }
  return resources;
}

async function presentEach(
  spec: ResourceEndpoint,
  directoryId: string,
  records: readonly ResourceRecord[],
  projection: Projection,
): Promise<unknown[]> {
  const resources = [];
  for (const record of records) resources.push(await spec.present(directoryId, record, projection));
  return resources;
}
