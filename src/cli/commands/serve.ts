import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { ADMIN_TOKEN_FILE, startServer } from '../../server/start.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the server (settings come from SCIMD_* environment variables)')
    .action(async () => {
      const config = loadConfig();
      const server = await startServer(config);

      if (server.generatedAdminToken) {
        // Printed once on purpose, outside the JSON log, so that it never lands in log storage.
        process.stderr.write(
          [
            '',
            'First start: generated the admin token. It is shown only this once:',
            '',
            `  ${server.generatedAdminToken}`,
            '',
            `A copy is in ${config.dataDir}/${ADMIN_TOKEN_FILE} (mode 0600) for local commands.`,
            'Use it as "Authorization: Bearer <token>" on /admin/v1, or set SCIMD_ADMIN_TOKEN.',
            '',
          ].join('\n'),
        );
      }

      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        server.app.log.info({ signal }, 'scimd is stopping');
        await server.close();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });
}
