import type { Command } from 'commander';
import { terminal } from '../output.js';
import {
  type ClientCredentialOptions,
  tokenSourceFrom,
  withClientCredentialOptions,
} from '../token-options.js';

export function registerToken(program: Command): void {
  const command = program
    .command('token')
    .description(
      'sign a client assertion (or use a client secret), exchange it for an access token and print the token',
    );
  withClientCredentialOptions(command)
    .option('--json', 'print the whole token response as JSON (default: the access token only)')
    .action(async (options: ClientCredentialOptions & { json?: boolean }) => {
      if (!options.clientId) throw new Error('--client-id is required');

      const response = await tokenSourceFrom(options)!.getTokenResponse();
      terminal.out(
        options.json ? `${JSON.stringify(response, null, 2)}\n` : `${response.access_token}\n`,
      );
    });
}
