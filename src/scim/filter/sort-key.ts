import { type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../../storage/dialects/types.js';
import { ScimError } from '../errors.js';
import { parseAttributePath } from './parser.js';
import { leafOf, resolveFilter } from './resolve.js';
import type { FilterStore } from './sql.js';
import { filterSql } from './sql-dialect.js';

/**
 * Compiles a `sortBy` path (RFC 7644 §3.4.2.3) into the SQL expression to order by: the indexed
 * column when there is one, otherwise the JSON value, lower-cased when the attribute is not
 * case-exact and ordered by code point as filters compare. Throws `invalidValue` for a path
 * that is unknown, multi-valued, complex or not stored.
 */
export function compileSortKey(
  path: string,
  store: FilterStore,
  dialect: DialectName,
): RawBuilder<unknown> {
  const target = resolveSortTarget(path, store);
  const leaf = leafOf(target);
  const dialectSql = filterSql(dialect);
  const isText = TEXT_TYPES.has(leaf.type);
  // Filters compare dateTime text without folding, so sorting does too.
  const fold = isText && !leaf.caseExact && leaf.type !== 'dateTime';

  const column = store.filterColumns.scalars[target.name];
  if (column) {
    const reference = sql.ref(`${store.table}.${column.column}`);
    if (!isText) return reference;
    return dialectSql.ordered(fold && !column.lowerCased ? sql`lower(${reference})` : reference);
  }

  const keys = [
    ...(target.extension ? [target.extension] : []),
    target.attribute.name,
    ...(target.subAttribute ? [target.subAttribute.name] : []),
  ];
  const type = leaf.type === 'integer' || leaf.type === 'decimal' ? 'number' : 'text';
  const value = dialectSql.jsonScalar(sql.ref(`${store.table}.resource`), keys, type);
  if (!isText) return value;
  return dialectSql.ordered(fold ? sql`lower(${value})` : value);
}

const TEXT_TYPES = new Set(['string', 'reference', 'binary', 'dateTime']);

function resolveSortTarget(path: string, store: FilterStore) {
  try {
    const resolved = resolveFilter(
      { kind: 'present', path: parseAttributePath(path) },
      store.resourceType,
    );
    if (resolved.kind !== 'present') throw new Error('a present node resolves to itself');

    const { target } = resolved;
    if (target.attribute.multiValued || leafOf(target).type === 'complex') {
      throw invalidSortBy(path, 'names a multi-valued or complex attribute');
    }
    // The JSON stores no `meta`; only meta.created and meta.lastModified have columns.
    if (target.attribute.name === 'meta' && !store.filterColumns.scalars[target.name]) {
      throw invalidSortBy(path, 'names an attribute that is not stored');
    }
    return target;
  } catch (error) {
    if (error instanceof ScimError && error.scimType === 'invalidFilter') {
      throw invalidSortBy(path, `is not a sortable attribute: ${error.detail}`);
    }
    throw error;
  }
}

function invalidSortBy(path: string, problem: string): ScimError {
  return ScimError.of('invalidValue', `sortBy ${JSON.stringify(path)} ${problem}`);
}
