import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialects/types.js';

// Migrations take `Kysely<any>` because they describe the schema before it exists.
// biome-ignore lint/suspicious/noExplicitAny: schema-less by design
type AnyDb = Kysely<any>;

/** Creates the directory model, server keys, the replay cache and SCIM users. */
export function initialMigration(dialect: DialectHelpers): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('organizations')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(200)', (c) => c.notNull().unique())
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'varchar(100)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('service_accounts')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('org_id', 'varchar(36)', (c) =>
          c.notNull().references('organizations.id').onDelete('cascade'),
        )
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('role', 'varchar(100)', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
        .addUniqueConstraint('service_accounts_org_name', ['org_id', 'name'])
        .execute();

      await db.schema
        .createTable('oauth_clients')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('org_id', 'varchar(36)', (c) =>
          c.notNull().references('organizations.id').onDelete('cascade'),
        )
        .addColumn('service_account_id', 'varchar(36)', (c) =>
          c.notNull().references('service_accounts.id').onDelete('cascade'),
        )
        .addColumn('client_id', 'varchar(100)', (c) => c.notNull().unique())
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('jwks', 'text')
        .addColumn('jwks_uri', 'text')
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('oauth_clients_service_account')
        .on('oauth_clients')
        .column('service_account_id')
        .execute();

      await db.schema
        .createTable('directories')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('org_id', 'varchar(36)', (c) =>
          c.notNull().references('organizations.id').onDelete('cascade'),
        )
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .addUniqueConstraint('directories_org_name', ['org_id', 'name'])
        .execute();

      await db.schema
        .createTable('grants')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('org_id', 'varchar(36)', (c) =>
          c.notNull().references('organizations.id').onDelete('cascade'),
        )
        .addColumn('directory_id', 'varchar(36)', (c) =>
          c.notNull().references('directories.id').onDelete('cascade'),
        )
        .addColumn('service_account_id', 'varchar(36)', (c) =>
          c.notNull().references('service_accounts.id').onDelete('cascade'),
        )
        .addColumn('role', 'varchar(100)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .addUniqueConstraint('grants_directory_account', ['directory_id', 'service_account_id'])
        .execute();

      await db.schema
        .createTable('server_keys')
        .addColumn('kid', 'varchar(100)', (c) => c.primaryKey())
        .addColumn('alg', 'varchar(20)', (c) => c.notNull())
        .addColumn('private_jwk', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('assertion_jtis')
        .addColumn('client_id', 'varchar(100)', (c) => c.notNull())
        .addColumn('jti', 'varchar(255)', (c) => c.notNull())
        .addColumn('expires_at', 'varchar(30)', (c) => c.notNull())
        .addPrimaryKeyConstraint('assertion_jtis_pk', ['client_id', 'jti'])
        .execute();
      await db.schema
        .createIndex('assertion_jtis_expires_at')
        .on('assertion_jtis')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('scim_users')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('directory_id', 'varchar(36)', (c) =>
          c.notNull().references('directories.id').onDelete('cascade'),
        )
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('user_name_key', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('display_name', 'text')
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('resource', dialect.jsonColumnType, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
        .addUniqueConstraint('scim_users_directory_user_name', ['directory_id', 'user_name_key'])
        .execute();
      await db.schema
        .createIndex('scim_users_directory_external_id')
        .on('scim_users')
        .columns(['directory_id', 'external_id'])
        .execute();

      await db.schema
        .createTable('directory_events')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('directory_id', 'varchar(36)', (c) =>
          c.notNull().references('directories.id').onDelete('cascade'),
        )
        .addColumn('resource_type', 'varchar(20)', (c) => c.notNull())
        .addColumn('resource_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('action', 'varchar(20)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('directory_events_directory')
        .on('directory_events')
        .columns(['directory_id', 'id'])
        .execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('org_id', 'varchar(36)')
        .addColumn('actor', 'varchar(200)', (c) => c.notNull())
        .addColumn('action', 'varchar(100)', (c) => c.notNull())
        .addColumn('target', 'varchar(200)')
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_events_org_created')
        .on('audit_events')
        .columns(['org_id', 'created_at'])
        .execute();
    },
  };
}
