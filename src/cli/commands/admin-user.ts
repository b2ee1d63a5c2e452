import readline from 'node:readline';
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { createAdminUser, parseAdminEmail, parseNewPassword } from '../../directory/admin-users.js';
import { openStorage } from '../../storage/database.js';
import { migrateToLatest } from '../../storage/migrate.js';

/**
 * `scimd admin create-user --email …`: adds a web console admin directly in the database, so it
 * works before the first start. The password comes from standard input, never from the command
 * line, where other users of the machine could read it.
 */
export function registerAdminUser(program: Command): void {
  const admin =
    program.commands.find((command) => command.name() === 'admin') ?? program.command('admin');

  admin
    .command('create-user')
    .description('create a web console admin; reads the password from standard input')
    .requiredOption('--email <email>', 'email address the admin signs in with')
    .action(async (options: { email: string }) => {
      const email = parseAdminEmail(options.email);
      const password = parseNewPassword(await readPassword());

      const config = loadConfig();
      const storage = openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        await migrateToLatest(storage);
        const user = await createAdminUser(storage, { email, password });
        process.stdout.write(`created console admin ${user.email} (${user.id})\n`);
      } finally {
        await storage.close();
      }
    });
}

/** Reads one line: from a pipe as is, from a terminal after a prompt and without echo. */
async function readPassword(): Promise<string> {
  const terminal = process.stdin.isTTY === true;
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal });
  if (terminal) {
    process.stdout.write('password: ');
    // Keeps the typed password off the screen.
    (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => {};
  }

  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
    if (terminal) process.stdout.write('\n');
  }
}
