import type { Kysely, Migration } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: schema-less by design
type AnyDb = Kysely<any>;

/** Adds console admin accounts, their sessions, and the switch that stops a directory's provisioning. */
export function consoleMigration(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('admin_users')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked_until', 'varchar(30)')
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('admin_sessions')
        .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('admin_user_id', 'varchar(36)', (c) =>
          c.notNull().references('admin_users.id').onDelete('cascade'),
        )
        .addColumn('csrf_token', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .addColumn('last_seen_at', 'varchar(30)', (c) => c.notNull())
        .addColumn('expires_at', 'varchar(30)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('admin_sessions_expires_at')
        .on('admin_sessions')
        .column('expires_at')
        .execute();

      await db.schema
        .alterTable('directories')
        .addColumn('provisioning_stopped', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
