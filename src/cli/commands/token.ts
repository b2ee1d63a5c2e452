import fs from 'node:fs';
import type { Command } from 'commander';
import { createClientAssertion } from '../../client/assertion.js';
import { requestClientCredentialsToken } from '../../client/token.js';
import { defaultServerUrl } from '../admin-client.js';

interface TokenOptions {
  issuer: string;
  clientId: string;
  key: string;
  kid?: string;
  alg: string;
  scope?: string;
  json?: boolean;
}

export function registerToken(program: Command): void {
  program
    .command('token')
    .description('sign a client assertion and exchange it for an access token')
    .option('--issuer <url>', 'authorization server URL (SCIMD_URL)', defaultServerUrl())
    .requiredOption('--client-id <id>', 'client id')
    .requiredOption('--key <file>', 'private key file (PEM, PKCS #8)')
    .option('--kid <kid>', 'key id registered for the client')
    .option('--alg <alg>', 'signing algorithm', 'RS256')
    .option('--scope <scopes>', 'space-separated scopes; default: all the client may have')
    .option('--json', 'print the whole token response as JSON')
    .action(async (options: TokenOptions) => {
      const issuer = options.issuer.replace(/\/+$/, '');
      const assertion = await createClientAssertion({
        clientId: options.clientId,
        audience: issuer,
        privateKey: fs.readFileSync(options.key, 'utf8'),
        algorithm: options.alg,
        ...(options.kid ? { kid: options.kid } : {}),
      });
      const token = await requestClientCredentialsToken({
        tokenEndpoint: `${issuer}/oauth/token`,
        clientAssertion: assertion,
        clientId: options.clientId,
        ...(options.scope ? { scope: options.scope } : {}),
      });
      process.stdout.write(
        options.json ? `${JSON.stringify(token, null, 2)}\n` : `${token.access_token}\n`,
      );
    });
}
