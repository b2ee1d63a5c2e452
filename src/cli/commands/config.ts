import type { Command } from 'commander';
import { describeConfig } from '../../config/describe.js';
import { loadConfigWithFile, unusedEnvironmentVariables } from '../../config/file.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('inspect the server configuration');

  config
    .command('check')
    .description(
      'validate the settings (file, then SCIMD_* environment variables) and print the effective configuration with secrets masked',
    )
    .option('--config <file>', 'settings file (.json, .yaml or .yml); environment variables win')
    .action((options: { config?: string }) => {
      const effective = loadConfigWithFile(options.config);
      process.stdout.write(`${JSON.stringify(describeConfig(effective), null, 2)}\n`);
      for (const name of unusedEnvironmentVariables()) {
        process.stderr.write(`scimd: warning: ${name} is set but is not a server setting\n`);
      }
    });
}
