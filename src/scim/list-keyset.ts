import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../storage/dialects/types.js';
import type { SortKey } from './filter/sort-key.js';
import type { CursorPosition } from './list-cursor.js';

/**
 * The ORDER BY terms and keyset condition of a list. With a sort key, resources are ordered by
 * the key, then id, so that the order is total. Missing values come last in ascending order and
 * first in descending order (RFC 7644 §3.4.2.3), because descending order is the exact reverse
 * of ascending. Without a sort key, resources are ordered by id alone.
 *
 * The terms match the indexes of migration 0007 term for term, so both databases walk an index
 * (directory_id, key, id) instead of sorting every match. The keyset condition is a row-value
 * comparison, which both planners turn into an index range.
 */
export interface ListOrder {
  /** The value a cursor stores for a resource: the sort key, or the id without one. */
  readonly value: RawBuilder<unknown>;
  readonly orderBy: readonly RawBuilder<unknown>[];
  /** Builds the condition "comes after `after` in this order", for keyset paging. */
  after(after: CursorPosition): RawBuilder<SqlBool>;
}

/**
 * Builds the order of a list. The id tie-breaker uses the column's own collation, so the primary
 * key index serves it. NOTE: merging root search pages assumes that this order equals code point
 * order. For lower-case UUIDs it does under C collations and under PostgreSQL's en-US ICU
 * collation (checked on 4,000 UUIDs), but other locales are unchecked.
 */
export function listOrder(
  key: SortKey | undefined,
  descending: boolean,
  dialect: DialectName,
  filtered: boolean,
): ListOrder {
  const id = sql.ref('id');
  const beyond = descending ? sql`<` : sql`>`;
  // SQLite has no statistics (scimd never runs ANALYZE), so it guesses that directory_id=? is
  // as selective as externalId=? and would rather walk a whole directory in index order than
  // sort the few rows an equality filter finds. A unary `+` keeps its ORDER BY off the indexes
  // when a filter is present, so the filter's index decides.
  // NOTE: so a filtered SQLite list sorts all its matches, even for a filter matching most rows.
  const hideIndex = dialect === 'sqlite' && filtered;
  const sorted = (term: RawBuilder<unknown>) =>
    sql`${hideIndex ? sql`+(${term})` : term} ${descending ? sql`desc` : sql`asc`}`;

  if (!key) {
    return {
      value: id,
      orderBy: [sorted(id)],
      after: (after) => sql<SqlBool>`${id} ${beyond} ${after.id}`,
    };
  }

  const value = key.expression;
  if (key.notNull) {
    // Without NULLs, (key, id) is the whole order, and no missing-value term is needed.
    return {
      value,
      orderBy: [sorted(value), sorted(id)],
      after: (after) => sql<SqlBool>`(${value}, ${id}) ${beyond} (${after.value}, ${after.id})`,
    };
  }

  if (dialect === 'sqlite') {
    // SQLite orders every BLOB after every TEXT and number, so an empty BLOB in place of NULL
    // puts missing values last in one index term. SQLite (as bundled with better-sqlite3 12) uses
    // a plain comparison on an indexed expression as a range but not a row value over one, so
    // `>=` bounds the range and the row value decides within it.
    const term = sql`coalesce(${value}, x'')`;
    return {
      value,
      orderBy: [sorted(term), sorted(id)],
      after: (after) => {
        const bound = sql`coalesce(${after.value}, x'')`;
        return sql<SqlBool>`(${term} ${beyond}= ${bound} and (${term}, ${id}) ${beyond} (${bound}, ${after.id}))`;
      },
    };
  }

  const missing = missingTerm(value);
  return {
    value,
    orderBy: [sorted(missing), sorted(value), sorted(id)],
    after: (after) => afterPosition(missing, value, id, after, descending),
  };
}

/**
 * Builds the PostgreSQL term that puts missing values last in ascending order: 1 for NULL, 0
 * otherwise. Its text uses literals, not parameters, because the expression indexes repeat it and
 * a planner uses such an index only for the identical expression.
 */
export function missingTerm(value: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`case when ${value} is null then 1 else 0 end`;
}

function afterPosition(
  missing: RawBuilder<unknown>,
  key: RawBuilder<unknown>,
  id: RawBuilder<unknown>,
  after: CursorPosition,
  descending: boolean,
): RawBuilder<SqlBool> {
  // Among missing values only the id orders, and a row value with NULL compares as unknown.
  // NOTE: here and in the SQLite order above, the index range after a missing value starts at
  // the first missing value, not at the cursor's id. So each page of a long run of missing
  // values rereads the ones before it.
  if (after.value === null) {
    if (descending) return sql<SqlBool>`(${missing} = 0 or ${id} < ${after.id})`;
    return sql<SqlBool>`(${missing} = 1 and ${id} > ${after.id})`;
  }

  // A missing value has the term 1, so the first element alone decides for it.
  const beyond = descending ? sql`<` : sql`>`;
  return sql<SqlBool>`(${missing}, ${key}, ${id}) ${beyond} (0, ${after.value}, ${after.id})`;
}
