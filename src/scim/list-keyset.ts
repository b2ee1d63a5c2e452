import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { SortKey } from './filter/sort-key.js';
import type { CursorPosition } from './list-cursor.js';

/**
 * The ORDER BY terms and keyset condition of a list. With a sort key, resources are ordered by
 * whether the key is missing, then the key, then id, so that the order is total. Missing values
 * come last in ascending order and first in descending order (RFC 7644 §3.4.2.3), because
 * descending order is the exact reverse of ascending. Without a sort key, resources are ordered
 * by id alone, which the primary key index serves.
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
export function listOrder(key: SortKey | undefined, descending: boolean): ListOrder {
  const id = sql.ref('id');
  const direction = descending ? sql`desc` : sql`asc`;
  const beyond = descending ? sql`<` : sql`>`;

  if (!key) {
    return {
      value: id,
      orderBy: [sql`${id} ${direction}`],
      after: (after) => sql<SqlBool>`${id} ${beyond} ${after.id}`,
    };
  }

  const value = key.expression;
  return {
    value,
    orderBy: [
      sql`case when ${value} is null then 1 else 0 end ${direction}`,
      sql`${value} ${direction}`,
      sql`${id} ${direction}`,
    ],
    after: (after) => afterPosition(value, id, after, descending),
  };
}

function afterPosition(
  key: RawBuilder<unknown>,
  id: RawBuilder<unknown>,
  after: CursorPosition,
  descending: boolean,
): RawBuilder<SqlBool> {
  const beyond = descending ? sql`<` : sql`>`;
  if (after.value === null) {
    if (descending) return sql<SqlBool>`(${key} is not null or ${id} < ${after.id})`;
    return sql<SqlBool>`(${key} is null and ${id} > ${after.id})`;
  }

  const sameKeyLater = sql`(${key} = ${after.value} and ${id} ${beyond} ${after.id})`;
  if (descending) {
    return sql<SqlBool>`(${key} is not null and (${key} < ${after.value} or ${sameKeyLater}))`;
  }
  return sql<SqlBool>`(${key} is null or ${key} > ${after.value} or ${sameKeyLater})`;
}
