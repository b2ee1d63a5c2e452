import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Storage } from './database.js';
import { initialMigration } from './migrations/0001-initial.js';
import { oauthMigration } from './migrations/0002-oauth.js';
import { scimResourcesMigration } from './migrations/0003-scim-resources.js';
import { auditMigration } from './migrations/0004-audit.js';
import { consoleMigration } from './migrations/0005-console.js';
import { userEmailIndexMigration } from './migrations/0006-user-email-index.js';
import { listOrderIndexMigration } from './migrations/0007-list-order-indexes.js';

/** Migrations in the order they run; names are stored in the database and must never change. */
function migrations(storage: Storage): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(storage.dialect),
    '0002-oauth': oauthMigration(),
    '0003-scim-resources': scimResourcesMigration(storage.dialect),
    '0004-audit': auditMigration(),
    '0005-console': consoleMigration(),
    '0006-user-email-index': userEmailIndexMigration(storage.dialect),
    '0007-list-order-indexes': listOrderIndexMigration(storage.dialect),
  };
}

/** Brings the schema up to date; returns the names of the migrations it ran. */
export async function migrateToLatest(storage: Storage): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(storage) };
  const migrator = new Migrator({ db: storage.db, provider });

  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`Database migration ${failed ?? ''} failed: ${String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of the migrations this build has that the database has not run yet. */
export async function pendingMigrations(storage: Storage): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(storage) };
  const migrator = new Migrator({ db: storage.db, provider });
  const known = await migrator.getMigrations();
  return known.filter((migration) => migration.executedAt === undefined).map((m) => m.name);
}
