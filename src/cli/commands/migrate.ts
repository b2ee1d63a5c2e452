import type { Command } from 'commander';
import { loadConfigWithFile } from '../../config/file.js';
import { openStorage } from '../../storage/database.js';
import { migrateToLatest } from '../../storage/migrate.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date and exit')
    .option('--config <file>', 'settings file (.json, .yaml or .yml); environment variables win')
    .action(async (options: { config?: string }) => {
      const config = loadConfigWithFile(options.config);
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
