import type { Kysely, Migration } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: schema-less by design
type AnyDb = Kysely<any>;

/**
 * Completes the audit log: who acted (kind and id), on which directory and targets, with what
 * outcome and reason, in which request. SQLite adds one column per statement.
 */
export function auditMigration(): Migration {
  return {
    async up(db: AnyDb) {
      const columns: [string, string, boolean][] = [
        ['actor_type', 'varchar(20)', true],
        ['directory_id', 'varchar(36)', false],
        ['targets', 'text', false],
        ['outcome', 'varchar(20)', true],
        ['reason', 'varchar(100)', false],
        ['request_id', 'varchar(200)', false],
      ];
      for (const [name, type, required] of columns) {
        await db.schema
          .alterTable('audit_events')
          .addColumn(name, type as 'text', (c) => (required ? c.notNull().defaultTo('') : c))
          .execute();
      }

      // Paging walks ids (UUIDv7, time-ordered) within an organization; pruning walks time.
      await db.schema
        .createIndex('audit_events_org_id')
        .on('audit_events')
        .columns(['org_id', 'id'])
        .execute();
      await db.schema
        .createIndex('audit_events_created')
        .on('audit_events')
        .column('created_at')
        .execute();
    },
  };
}
