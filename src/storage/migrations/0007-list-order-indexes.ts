import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectHelpers } from '../dialects/types.js';

// Migrations take `Kysely<any>` because they describe the schema before it exists.
// biome-ignore lint/suspicious/noExplicitAny: schema-less by design
type AnyDb = Kysely<any>;

/** One list order: the index name and the terms after directory_id, before the id. */
interface OrderIndex {
  readonly table: 'scim_users' | 'scim_groups';
  readonly name: string;
  /** The sort key as the list query writes it, without the PostgreSQL collation. */
  readonly key: string;
  /** Whether the key column is nullable, so that the order has a missing-value term first. */
  readonly nullable: boolean;
}

const ORDER_INDEXES: readonly OrderIndex[] = [
  {
    table: 'scim_users',
    name: 'scim_users_order_user_name',
    key: 'user_name_key',
    nullable: false,
  },
  {
    table: 'scim_users',
    name: 'scim_users_order_display_name',
    key: 'lower(display_name)',
    nullable: true,
  },
  { table: 'scim_users', name: 'scim_users_order_external_id', key: 'external_id', nullable: true },
  { table: 'scim_users', name: 'scim_users_order_created', key: 'created_at', nullable: false },
  { table: 'scim_users', name: 'scim_users_order_updated', key: 'updated_at', nullable: false },
  {
    table: 'scim_groups',
    name: 'scim_groups_order_display_name',
    key: 'display_name_key',
    nullable: false,
  },
  {
    table: 'scim_groups',
    name: 'scim_groups_order_external_id',
    key: 'external_id',
    nullable: true,
  },
  { table: 'scim_groups', name: 'scim_groups_order_created', key: 'created_at', nullable: false },
  { table: 'scim_groups', name: 'scim_groups_order_updated', key: 'updated_at', nullable: false },
];

/**
 * Creates the indexes that list pages walk in order: (directory_id, id) for lists without
 * `sortBy`, and (directory_id, [missing-value term,] key, id) for each indexed sort key, so that
 * a sorted page and a cursor page read only the rows they return.
 *
 * The key terms repeat the expressions that compileSortKey and listOrder write, because both
 * planners use an expression index only for the identical expression. On PostgreSQL the sort
 * key compares with COLLATE "C" (code-point order), which an index in the database's default
 * collation cannot serve, so the key term of each index is built with COLLATE "C".
 */
export function listOrderIndexMigration(dialect: DialectHelpers): Migration {
  return {
    async up(db: AnyDb) {
      for (const table of ['scim_users', 'scim_groups']) {
        await sql`create index ${sql.id(`${table}_order_id`)} on ${sql.table(table)} (directory_id, id)`.execute(
          db,
        );
      }

      for (const index of ORDER_INDEXES) {
        const key =
          dialect.name === 'postgres'
            ? sql`(${sql.raw(index.key)}) collate "C"`
            : sql`${sql.raw(index.key)}`;
        // The same CASE text as listOrder's missing-value term.
        const terms = index.nullable
          ? sql`(case when ${key} is null then 1 else 0 end), (${key}), id`
          : sql`(${key}), id`;
        await sql`create index ${sql.id(index.name)} on ${sql.table(index.table)} (directory_id, ${terms})`.execute(
          db,
        );
      }
    },
  };
}
