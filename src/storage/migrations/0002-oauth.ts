import type { Kysely, Migration } from 'kysely';

// Migrations take `Kysely<any>` because they describe the schema before it exists.
// biome-ignore lint/suspicious/noExplicitAny: schema-less by design
type AnyDb = Kysely<any>;

/**
 * Adds client secrets, per-client algorithm lists and the disabled flag of clients, revoked access tokens, directory API
 * tokens, and the signing window of server keys that rotation needs.
 */
export function oauthMigration(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('oauth_client_auth')
        .addColumn('client_id', 'varchar(100)', (c) =>
          c.primaryKey().references('oauth_clients.client_id').onDelete('cascade'),
        )
        .addColumn('method', 'varchar(40)', (c) => c.notNull())
        .addColumn('secret_hash', 'text')
        .addColumn('assertion_algs', 'text')
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('revoked_tokens')
        .addColumn('jti', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('client_id', 'varchar(100)', (c) => c.notNull())
        .addColumn('expires_at', 'varchar(30)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('revoked_tokens_expires_at')
        .on('revoked_tokens')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('directory_api_tokens')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('org_id', 'varchar(36)', (c) =>
          c.notNull().references('organizations.id').onDelete('cascade'),
        )
        .addColumn('directory_id', 'varchar(36)', (c) =>
          c.notNull().references('directories.id').onDelete('cascade'),
        )
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('scope', 'varchar(40)', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'varchar(30)')
        .addColumn('last_used_at', 'varchar(30)')
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .addColumn('rotated_at', 'varchar(30)')
        .execute();
      await db.schema
        .createIndex('directory_api_tokens_directory')
        .on('directory_api_tokens')
        .column('directory_id')
        .execute();

      // Null for keys created before rotation existed: they sign from their creation time.
      await db.schema.alterTable('server_keys').addColumn('signs_from', 'varchar(30)').execute();
      await db.schema.alterTable('server_keys').addColumn('retires_at', 'varchar(30)').execute();
    },
  };
}
