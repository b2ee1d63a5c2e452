import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectHelpers, DialectName } from '../dialects/types.js';

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
  /**
   * Whether a unique (directory_id, key) index exists. SQLite walks that index for (key, id)
   * order, because a unique key leaves no ties, so this index is built on PostgreSQL only.
   */
  readonly unique?: boolean;
}

const ORDER_INDEXES: readonly OrderIndex[] = [
  {
    table: 'scim_users',
    name: 'scim_users_order_user_name',
    key: 'user_name_key',
    nullable: false,
    unique: true,
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
    unique: true,
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
        // IF NOT EXISTS lets the migration run again after its row in kysely_migration is removed.
        await sql`create index if not exists ${sql.id(`${table}_order_id`)} on ${sql.table(table)} (directory_id, id)`.execute(
          db,
        );
      }

      for (const index of ORDER_INDEXES) {
        if (index.unique && dialect.name === 'sqlite') continue;
        const terms = orderTerms(dialect.name, index);
        await sql`create index if not exists ${sql.id(index.name)} on ${sql.table(index.table)} (directory_id, ${terms})`.execute(
          db,
        );
      }
    },
  };
}

/** The index terms after directory_id, written as listOrder writes its ORDER BY terms. */
function orderTerms(dialect: DialectName, index: OrderIndex) {
  const key = sql.raw(index.key);
  if (dialect === 'sqlite') {
    return index.nullable ? sql`(coalesce(${key}, x'')), id` : sql`${key}, id`;
  }

  const ordered = sql`(${key}) collate "C"`;
  return index.nullable
    ? sql`(case when ${ordered} is null then 1 else 0 end), (${ordered}), id`
    : sql`(${ordered}), id`;
}
