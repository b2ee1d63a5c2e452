import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialects/types.js';

// Migrations take `Kysely<any>` because they describe the schema before it exists.
// biome-ignore lint/suspicious/noExplicitAny: schema-less by design
type AnyDb = Kysely<any>;

/** Creates SCIM groups, their membership table and per-directory SCIM options. */
export function scimResourcesMigration(dialect: DialectHelpers): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('scim_groups')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('directory_id', 'varchar(36)', (c) =>
          c.notNull().references('directories.id').onDelete('cascade'),
        )
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('display_name_key', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('resource', dialect.jsonColumnType, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
        .addUniqueConstraint('scim_groups_directory_display_name', [
          'directory_id',
          'display_name_key',
        ])
        .execute();
      await db.schema
        .createIndex('scim_groups_directory_external_id')
        .on('scim_groups')
        .columns(['directory_id', 'external_id'])
        .execute();

      // One row per membership, so that changing one member of a large group touches one row.
      await db.schema
        .createTable('scim_group_members')
        .addColumn('group_id', 'varchar(36)', (c) =>
          c.notNull().references('scim_groups.id').onDelete('cascade'),
        )
        .addColumn('member_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('member_type', 'varchar(10)', (c) => c.notNull())
        .addColumn('directory_id', 'varchar(36)', (c) =>
          c.notNull().references('directories.id').onDelete('cascade'),
        )
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .addPrimaryKeyConstraint('scim_group_members_pk', ['group_id', 'member_id'])
        .execute();
      await db.schema
        .createIndex('scim_group_members_member')
        .on('scim_group_members')
        .columns(['member_id', 'group_id'])
        .execute();

      await db.schema
        .createTable('scim_directory_options')
        .addColumn('directory_id', 'varchar(36)', (c) =>
          c.primaryKey().references('directories.id').onDelete('cascade'),
        )
        .addColumn('strict', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
        .execute();
    },
  };
}
