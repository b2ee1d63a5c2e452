import { ScimError } from './errors.js';
import type { FilterNode } from './filter/ast.js';
import { parseFilter } from './filter/parser.js';
import type { CursorPosition } from './list-cursor.js';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** Page size when the request has no `count`. */
export const DEFAULT_PAGE_SIZE = 100;
/** Largest page returned; a larger `count` returns this many (RFC 7644 §3.4.2.4 allows fewer). */
export const MAX_PAGE_SIZE = 200;

/** A list request: an optional filter, a sort order and an index-based or cursor-based page. */
export interface ListQuery {
  readonly filter: FilterNode | undefined;
  /** The filter as sent; cursors are bound to it. */
  readonly filterText: string | undefined;
  /** The `sortBy` attribute as sent; without it, resources are ordered by id. */
  readonly sortBy: string | undefined;
  readonly descending: boolean;
  /** 1-based index of the first result; 1 for cursor paging. */
  readonly startIndex: number;
  /** Results on the page, 0 to MAX_PAGE_SIZE; at least 1 for cursor paging. */
  readonly count: number;
  /** The `cursor` parameter: empty for the first page of cursor paging, undefined for index paging. */
  readonly cursor: string | undefined;
  /** The position the cursor decodes to; the route sets it, and the page starts after it. */
  readonly after?: CursorPosition;
  /**
   * Whether resources of a type without the `sortBy` attribute sort as missing values instead of
   * the attribute being rejected. A search at the directory root sets it, because its types
   * define different attributes.
   */
  readonly sortMissingAttributes?: boolean;
}

/** The list parameters of a GET query or a SearchRequest body, before their meaning is checked. */
export interface ListParameters {
  readonly filter?: string | undefined;
  readonly sortBy?: string | undefined;
  readonly sortOrder?: string | undefined;
  readonly startIndex?: number | undefined;
  readonly count?: number | undefined;
  readonly cursor?: string | undefined;
}

/** A ListResponse (RFC 7644 §3.4.2), with `nextCursor` for cursor paging (RFC 9865). */
export interface ListResponse<T> {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  startIndex?: number;
  itemsPerPage: number;
  nextCursor?: string;
  Resources: T[];
}

type QueryParameters = Record<string, string | string[] | undefined>;

/**
 * Reads `filter`, `sortBy`, `sortOrder`, `startIndex`, `count` and `cursor` from a query
 * string; throws a ScimError naming a bad parameter.
 */
export function parseListQuery(query: QueryParameters): ListQuery {
  return buildListQuery({
    filter: readParameter(query, 'filter'),
    sortBy: readParameter(query, 'sortBy'),
    sortOrder: readParameter(query, 'sortOrder'),
    startIndex: readInteger(query, 'startIndex'),
    count: readInteger(query, 'count'),
    cursor: readParameter(query, 'cursor'),
  });
}

/** Checks list parameters and applies the defaults and limits of RFC 7644 §3.4.2 and RFC 9865. */
export function buildListQuery(parameters: ListParameters): ListQuery {
  const { filter, sortBy, sortOrder, startIndex, count, cursor } = parameters;
  const descending = readSortOrder(sortOrder);
  if (sortBy !== undefined && sortBy.trim() === '') {
    throw ScimError.of('invalidValue', 'sortBy must name an attribute');
  }

  const common = {
    filter: filter === undefined ? undefined : parseFilter(filter),
    filterText: filter,
    sortBy,
    descending,
  };

  if (cursor !== undefined) {
    if (startIndex !== undefined) {
      throw ScimError.of('invalidValue', 'send startIndex or cursor, not both');
    }
    // RFC 9865 defines count as a positive integer for cursor paging.
    if (count !== undefined && count < 1) {
      throw ScimError.of(
        'invalidCount',
        `count must be between 1 and ${MAX_PAGE_SIZE} with a cursor; got ${count}`,
      );
    }
    return {
      ...common,
      startIndex: 1,
      count: Math.min(MAX_PAGE_SIZE, count ?? DEFAULT_PAGE_SIZE),
      cursor,
    };
  }

  // RFC 7644 §3.4.2.4: a startIndex below 1 means 1, and a negative count means 0.
  return {
    ...common,
    startIndex: startIndex === undefined ? 1 : Math.max(1, startIndex),
    count: count === undefined ? DEFAULT_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, Math.max(0, count)),
    cursor: undefined,
  };
}

/** Rejects list parameters on requests that return one resource, where they have no meaning. */
export function rejectUnsupportedParameters(query: QueryParameters): void {
  for (const name of ['sortBy', 'sortOrder', 'cursor']) {
    if (query[name] !== undefined) {
      throw ScimError.of('invalidValue', `the ${name} query parameter applies only to lists`);
    }
  }
}

/**
 * Builds the ListResponse for one page. Index paging returns `startIndex`; cursor paging omits it
 * and returns `nextCursor` on every page but the last (RFC 9865). `Resources` is always present,
 * and empty when the page has no results.
 */
export function listResponse<T>(
  resources: T[],
  totalResults: number,
  query: ListQuery,
  nextCursor?: string,
): ListResponse<T> {
  const response: ListResponse<T> = {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    itemsPerPage: resources.length,
    Resources: resources,
  };
  if (query.cursor === undefined) response.startIndex = query.startIndex;
  if (nextCursor !== undefined) response.nextCursor = nextCursor;
  return response;
}

/** Reads `sortOrder`: `ascending` (the default) or `descending`, in any letter case. */
function readSortOrder(sortOrder: string | undefined): boolean {
  if (sortOrder === undefined) return false;

  const order = sortOrder.toLowerCase();
  if (order !== 'ascending' && order !== 'descending') {
    throw ScimError.of(
      'invalidValue',
      `sortOrder ${JSON.stringify(sortOrder)} is invalid; use ascending or descending`,
    );
  }
  return order === 'descending';
}

function readParameter(query: QueryParameters, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) {
    throw ScimError.of('invalidValue', `the ${name} query parameter is given more than once`);
  }
  return value;
}

function readInteger(query: QueryParameters, name: string): number | undefined {
  const value = readParameter(query, name);
  if (value === undefined) return undefined;

  if (!/^[+-]?\d+$/.test(value)) {
    throw ScimError.of('invalidValue', `the ${name} query parameter must be an integer`);
  }
  // Values beyond the safe range still page correctly once clamped: no directory is that large.
  return clampSafe(Number(value));
}

/** Clamps an integer to the safe range, so that huge values page like the largest safe one. */
export function clampSafe(value: number): number {
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, value));
}
