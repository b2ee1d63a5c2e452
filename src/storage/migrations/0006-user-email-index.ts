import type { Kysely, Migration } from 'kysely';
import { emailKeys } from '../../scim/resources/email-keys.js';
import type { DialectHelpers } from '../dialects/types.js';

// Migrations take `Kysely<any>` because they describe the schema before it exists.
// biome-ignore lint/suspicious/noExplicitAny: schema-less by design
type AnyDb = Kysely<any>;

// Users per page of the backfill.
const BATCH = 300;
// Rows per INSERT: three parameters each, well below the bind-parameter limits of both databases.
const INSERT_ROWS = 1000;

/**
 * Creates `scim_user_emails`, one row per lower-cased `emails.value` of a user, so that filters
 * on `emails.value` use an index on SQLite and PostgreSQL alike, and fills it for existing users.
 */
export function userEmailIndexMigration(dialect: DialectHelpers): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('scim_user_emails')
        .addColumn('user_id', 'varchar(36)', (c) =>
          c.notNull().references('scim_users.id').onDelete('cascade'),
        )
        .addColumn('directory_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('value_key', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('scim_user_emails_pk', ['user_id', 'value_key'])
        .execute();
      await db.schema
        .createIndex('scim_user_emails_value')
        .on('scim_user_emails')
        .columns(['value_key', 'user_id'])
        .execute();

      // Reads users a page at a time, so that a large directory does not fill memory.
      let after = '';
      for (;;) {
        const users = await db
          .selectFrom('scim_users')
          .select(['id', 'directory_id', 'resource'])
          .where('id', '>', after)
          .orderBy('id')
          .limit(BATCH)
          .execute();
        if (users.length === 0) break;
        after = users[users.length - 1]!.id;

        const rows = users.flatMap((user) =>
          emailKeys(dialect.parseJson<Record<string, unknown>>(user.resource)).map((key) => ({
            user_id: user.id,
            directory_id: user.directory_id,
            value_key: key,
          })),
        );
        for (let start = 0; start < rows.length; start += INSERT_ROWS) {
          await db
            .insertInto('scim_user_emails')
            .values(rows.slice(start, start + INSERT_ROWS))
            .execute();
        }
      }
    },
  };
}
