import type { Command } from 'commander';
import { loadConfigWithFile } from '../../config/file.js';
import { ADMIN_TOKEN_FILE, startServer } from '../../server/start.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'start the server (settings from SCIMD_* environment variables, over those of --config)',
    )
    .option('--config <file>', 'settings file (.json, .yaml or .yml); environment variables win')
    .action(async (options: { config?: string }) => {
      const config = loadConfigWithFile(options.config);
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
        server.app.log.info(
          {
            signal,
            delaySeconds: config.ops.shutdownDelaySeconds,
            deadlineSeconds: config.ops.shutdownTimeoutSeconds,
          },
          'scimd is stopping',
        );
        const { forced } = await server.close({
          delayMs: config.ops.shutdownDelaySeconds * 1000,
        });
        server.app.log.info({ forced }, 'scimd stopped');
        process.exit(forced ? 1 : 0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });
}
