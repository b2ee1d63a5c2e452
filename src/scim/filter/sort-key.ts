import { type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../../storage/dialects/types.js';
import { ScimError } from '../errors.js';
import { parseAttributePath } from './parser.js';
import { type FilterTarget, leafOf, resolveResourcePath } from './resolve.js';
import type { FilterStore } from './sql.js';
import { filterSql } from './sql-dialect.js';

/** The SQL value that orders resources for one `sortBy` attribute. */
export interface SortKey {
  /** Canonical attribute path, such as `name.familyName`; cursors are bound to it. */
  readonly attribute: string;
  /** Expression over the resource table; NULL for a resource without a value. */
  readonly expression: RawBuilder<unknown>;
  /** Whether the expression is never NULL, so that no missing-value term has to order it. */
  readonly notNull: boolean;
}

/**
 * Compiles a `sortBy` path (RFC 7644 §3.4.2.3) into the SQL expression to order by: the indexed
 * column when there is one, otherwise the JSON value, lower-cased when the attribute is not
 * case-exact and ordered by code point as filters compare. Throws `invalidValue` for a path
 * that is unknown, multi-valued, complex or not stored.
 */
export function compileSortKey(path: string, store: FilterStore, dialect: DialectName): SortKey {
  const target = resolveSortTarget(path, store);
  const column = store.filterColumns.scalars[target.name];
  return {
    attribute: target.name,
    expression: sortExpression(target, store, dialect),
    notNull: column !== undefined && NOT_NULL_COLUMNS.has(column.column),
  };
}

// Key columns that the resource tables declare NOT NULL (migrations 0001 and 0003).
const NOT_NULL_COLUMNS = new Set([
  'id',
  'user_name_key',
  'display_name_key',
  'active',
  'created_at',
  'updated_at',
]);

function sortExpression(
  target: FilterTarget,
  store: FilterStore,
  dialect: DialectName,
): RawBuilder<unknown> {
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

function resolveSortTarget(path: string, store: FilterStore): FilterTarget {
  let target: FilterTarget;
  try {
    target = resolveResourcePath(parseAttributePath(path), store.resourceType, 'sorted by');
  } catch (error) {
    // The filter messages fit, without the position inside a filter expression.
    if (error instanceof ScimError && error.scimType === 'invalidFilter') {
      throw ScimError.of(
        'invalidValue',
        `sortBy ${error.detail.replace(/ \(at position \d+\)$/, '')}`,
      );
    }
    throw error;
  }

  if (target.attribute.multiValued || target.subAttribute?.multiValued) {
    throw invalidSortBy(path, 'is multi-valued; sort by a singular attribute');
  }
  if (leafOf(target).type === 'complex') {
    throw invalidSortBy(path, 'is complex; sort by one of its sub-attributes');
  }
  // The JSON stores no `meta`; only meta.created and meta.lastModified have columns.
  if (target.attribute.name === 'meta' && !store.filterColumns.scalars[target.name]) {
    throw invalidSortBy(path, 'is not supported; sort by meta.created or meta.lastModified');
  }
  return target;
}

function invalidSortBy(path: string, problem: string): ScimError {
  return ScimError.of('invalidValue', `sortBy ${path} ${problem}`);
}
