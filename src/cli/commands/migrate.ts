import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { openStorage } from '../../storage/database.js';
import { migrateToLatest } from '../../storage/migrate.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date and exit')
    .action(async () => {
      const config = loadConfig();
      const storage = openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const ran = await migrateToLatest(storage);
        const summary = ran.length === 0 ? 'already up to date' : `ran ${ran.join(', ')}`;
        process.stdout.write(`${storage.location}: ${summary}\n`);
      } finally {
        await storage.close();
      }
    });
}
