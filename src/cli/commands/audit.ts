import type { Command } from 'commander';
import { parseAuditQuery } from '../../admin/routes/audit.js';
import { loadConfigWithFile } from '../../config/file.js';
import { listAuditEvents } from '../../directory/audit.js';
import { openStorage } from '../../storage/database.js';

interface ExportOptions {
  config?: string;
  org?: string;
  action?: string;
  directory?: string;
  since?: string;
  until?: string;
}

/** Events read from the database per query while exporting. */
const EXPORT_PAGE = 1000;

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('read the audit log from the database');

  audit
    .command('export')
    .description('print audit events as JSON lines, newest first, straight from the database')
    .option('--config <file>', 'settings file (.json, .yaml or .yml); environment variables win')
    .option('--org <orgId>', 'only events of this organization')
    .option('--action <action>', 'only events with this action, such as token.issue')
    .option('--directory <directoryId>', 'only events on this directory')
    .option('--since <time>', 'only events at or after this ISO 8601 time')
    .option('--until <time>', 'only events before this ISO 8601 time')
    .action(async (options: ExportOptions) => {
      const filters = parseAuditQuery(
        definedOnly({
          action: options.action,
          directoryId: options.directory,
          since: options.since,
          until: options.until,
        }),
      );
      const config = loadConfigWithFile(options.config);
      const storage = openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        let cursor: string | undefined;
        do {
          const page = await listAuditEvents(storage, {
            ...filters,
            orgId: options.org,
            cursor,
            limit: EXPORT_PAGE,
          });
          for (const event of page.events) process.stdout.write(`${JSON.stringify(event)}\n`);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      } finally {
        await storage.close();
      }
    });
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
