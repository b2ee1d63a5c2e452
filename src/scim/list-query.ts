import { ScimError } from './errors.js';
import type { FilterNode } from './filter/ast.js';
import { parseFilter } from './filter/parser.js';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** Page size when the request has no `count`. */
export const DEFAULT_PAGE_SIZE = 100;
/** Largest page returned; a larger `count` returns this many (RFC 7644 §3.4.2.4 allows fewer). */
export const MAX_PAGE_SIZE = 200;

// TODO: sorting (RFC 7644 §3.4.2.3) and cursors (RFC 9865) are not implemented, so these query
// parameters are rejected with 501.
const UNSUPPORTED_PARAMETERS = ['sortBy', 'sortOrder', 'cursor'];

/** A list request: an optional filter and an index-based page. */
export interface ListQuery {
  readonly filter: FilterNode | undefined;
  /** 1-based index of the first result. */
  readonly startIndex: number;
  /** Results on the page, 0 to MAX_PAGE_SIZE. */
  readonly count: number;
}

/** A ListResponse (RFC 7644 §3.4.2). */
export interface ListResponse<T> {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

type QueryParameters = Record<string, string | string[] | undefined>;

/** Reads `filter`, `startIndex` and `count`; throws a ScimError naming a bad parameter. */
export function parseListQuery(query: QueryParameters): ListQuery {
  rejectUnsupportedParameters(query);

  const filter = readParameter(query, 'filter');
  const startIndex = readInteger(query, 'startIndex');
  const count = readInteger(query, 'count');

  // RFC 7644 §3.4.2.4: a startIndex below 1 means 1, and a negative count means 0.
  return {
    filter: filter === undefined ? undefined : parseFilter(filter),
    startIndex: startIndex === undefined ? 1 : Math.max(1, startIndex),
    count: count === undefined ? DEFAULT_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, Math.max(0, count)),
  };
}

/** Rejects the query parameters that are defined by SCIM but not implemented here. */
export function rejectUnsupportedParameters(query: QueryParameters): void {
  for (const name of UNSUPPORTED_PARAMETERS) {
    if (query[name] !== undefined) {
      throw ScimError.withStatus(501, `the ${name} query parameter is not supported yet`);
    }
  }
}

/** Builds the ListResponse for one page of results. */
export function listResponse<T>(
  resources: T[],
  totalResults: number,
  query: ListQuery,
): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex: query.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
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
  const parsed = Number(value);
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, parsed));
}
