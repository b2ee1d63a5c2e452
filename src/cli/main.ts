import { Command, CommanderError } from 'commander';
import { registerAdmin } from './commands/admin.js';
import { registerAdminUser } from './commands/admin-user.js';
import { registerAudit } from './commands/audit.js';
import { registerConfig } from './commands/config.js';
import { registerDemo } from './commands/demo.js';
import { registerKeys } from './commands/keys.js';
import { registerMigrate } from './commands/migrate.js';
import { registerScim } from './commands/scim.js';
import { registerServe } from './commands/serve.js';
import { registerServerKeys } from './commands/server-keys.js';
import { registerToken } from './commands/token.js';
import { terminal } from './output.js';

/** Builds the `scimd` command with every subcommand registered. */
export function buildCli(): Command {
  const program = new Command('scimd')
    .description('SCIM 2.0 provisioning server protected by OAuth 2.0 service accounts')
    .showHelpAfterError()
    .exitOverride();

  registerServe(program);
  registerConfig(program);
  registerAudit(program);
  registerMigrate(program);
  registerAdmin(program);
  registerAdminUser(program);
  registerKeys(program);
  registerServerKeys(program);
  registerToken(program);
  registerScim(program);
  registerDemo(program);
  return program;
}

/** Runs the command line; prints a failure as one line and sets exit code 1. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    terminal.err(`scimd: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
