import fs from 'node:fs';
import type { Command } from 'commander';
import { ScimClient, type TokenProvider } from '../../client/scim-client.js';
import { type Column, field, printJson, printTable } from '../output.js';
import {
  type ClientCredentialOptions,
  tokenSourceFrom,
  withClientCredentialOptions,
} from '../token-options.js';

interface ScimOptions extends ClientCredentialOptions {
  baseUrl?: string;
  token?: string;
}

interface RequestOptions {
  data?: string;
  ifMatch?: string;
}

interface ListCommandOptions {
  filter?: string;
  count: string;
  attributes?: string;
  json?: boolean;
}

const USER_COLUMNS: Column[] = [
  field('id'),
  field('userName', 'user name'),
  field('displayName', 'display name'),
  field('active'),
];
const GROUP_COLUMNS: Column[] = [
  field('id'),
  field('displayName', 'display name'),
  { header: 'members', value: (row) => (Array.isArray(row.members) ? row.members.length : 0) },
];

/** `scimd scim …`: calls a SCIM server with a token from the options or `SCIMD_TOKEN`. */
export function registerScim(program: Command): void {
  const scim = program
    .command('scim')
    .description(
      'call a SCIM 2.0 server: the token comes from --token, SCIMD_TOKEN, or the client options',
    )
    .option(
      '--base-url <url>',
      'SCIM base URL, such as http://127.0.0.1:8080/scim/directory/{id} (default: SCIMD_SCIM_URL)',
    )
    .option('--token <token>', 'access token to send (default: SCIMD_TOKEN)');
  withClientCredentialOptions(scim);

  const client = (): ScimClient => {
    const options = scim.opts<ScimOptions>();
    const baseUrl = options.baseUrl ?? process.env.SCIMD_SCIM_URL;
    if (!baseUrl) throw new Error('no SCIM base URL: pass --base-url or set SCIMD_SCIM_URL');
    return new ScimClient({ baseUrl, token: resolveToken(options) });
  };

  for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
    const command = scim
      .command(`${method} <path>`)
      .description(
        `send ${method.toUpperCase()} to PATH under the base URL, such as Users/{id} or "Users?filter=…"; prints the answer`,
      )
      .option(
        '--if-match <etag>',
        'send If-Match, so the write fails with 412 if the resource changed',
      );
    if (method !== 'get' && method !== 'delete') {
      command.option(
        '--data <body>',
        'request body: JSON text, @file.json, or - for standard input',
      );
    }
    command.action(async (path: string, options: RequestOptions) => {
      const body = options.data === undefined ? undefined : readData(options.data);
      const response = await client().request(method.toUpperCase(), path, {
        ...(body === undefined ? {} : { body }),
        ...(options.ifMatch ? { headers: { 'if-match': options.ifMatch } } : {}),
      });
      if (response.body !== undefined) printJson(response.body);
    });
  }

  for (const [name, columns] of [
    ['users', USER_COLUMNS],
    ['groups', GROUP_COLUMNS],
  ] as const) {
    scim
      .command(name)
      .description(`${name} of the directory`)
      .command('list')
      .description(`page through every ${name.slice(0, -1)} that matches the filter`)
      .option(
        '--filter <expression>',
        'SCIM filter, such as \'userName eq "ada@example.com"\' (default: all)',
      )
      .option('--count <n>', 'results requested per page', '100')
      .option(
        '--attributes <list>',
        'comma-separated attributes to return (default: the server default)',
      )
      .option('--json', 'print a JSON array of the resources (default: a table)')
      .action(async (options: ListCommandOptions) => {
        const count = Number(options.count);
        if (!Number.isInteger(count) || count < 1) {
          throw new Error(`--count must be a positive integer, got "${options.count}"`);
        }

        const resources: Array<Record<string, unknown>> = [];
        const listing = client()[name].list({
          count,
          ...(options.filter ? { filter: options.filter } : {}),
          ...(options.attributes ? { attributes: options.attributes.split(',') } : {}),
        });
        for await (const resource of listing) resources.push(resource);

        if (options.json) printJson(resources);
        else printTable(resources, [...columns]);
      });
  }
}

function resolveToken(options: ScimOptions): TokenProvider {
  const token = options.token ?? process.env.SCIMD_TOKEN;
  if (token) return token;

  const source = tokenSourceFrom(options);
  if (!source) {
    throw new Error(
      'no access token: pass --token, set SCIMD_TOKEN, or pass --client-id and --key',
    );
  }
  return source;
}

/** Reads `--data`: JSON text, `@file`, or `-` for standard input. */
function readData(data: string): unknown {
  const text =
    data === '-'
      ? fs.readFileSync(0, 'utf8')
      : data.startsWith('@')
        ? fs.readFileSync(data.slice(1), 'utf8')
        : data;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`--data is not valid JSON: ${(error as Error).message}`);
  }
}
