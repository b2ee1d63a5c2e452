import fs from 'node:fs';
import type { Command } from 'commander';
import {
  type AdminConnection,
  callAdminApi,
  defaultServerUrl,
  resolveAdminToken,
} from '../admin-client.js';
import { type Column, field, printJson, printRecord, printTable, terminal } from '../output.js';

interface AdminOptions {
  url: string;
  adminToken?: string;
  json?: boolean;
}

const ORG_COLUMNS = [field('id'), field('name'), field('createdAt', 'created')];
const ACCOUNT_COLUMNS = [
  field('id'),
  field('name'),
  field('role'),
  field('disabled'),
  field('createdAt', 'created'),
];
const CLIENT_COLUMNS = [
  field('clientId', 'client id'),
  field('name'),
  field('scopes'),
  field('tokenEndpointAuthMethod', 'auth method'),
  field('serviceAccountId', 'service account'),
];
const DIRECTORY_COLUMNS = [field('id'), field('name'), field('scimBaseUrl', 'SCIM base URL')];
const GRANT_COLUMNS = [
  field('id'),
  field('serviceAccountId', 'service account'),
  field('role'),
  field('createdAt', 'created'),
];
const KEY_COLUMNS = [field('kid'), field('kty'), field('alg'), field('crv'), field('use')];

/** `scimd admin …`: every admin API call, printed as a table, or as JSON with `--json`. */
export function registerAdmin(program: Command): void {
  const admin = program
    .command('admin')
    .description(
      'manage organizations, service accounts, credentials, keys, directories and grants',
    )
    .option(
      '--url <url>',
      'scimd server URL; SCIMD_URL, else SCIMD_PUBLIC_URL, sets the default',
      defaultServerUrl(),
    )
    .option(
      '--admin-token <token>',
      'admin bearer token (default: SCIMD_ADMIN_TOKEN, else the admin-token file in SCIMD_DATA_DIR, ./data)',
    )
    .option('--json', 'print the API answer as JSON, for scripts (default: a table)');

  const connect = async (): Promise<AdminConnection> => {
    const options = admin.opts<AdminOptions>();
    const token = resolveAdminToken(options.adminToken);
    if (!token) {
      throw new Error(
        'no admin token: pass --admin-token, set SCIMD_ADMIN_TOKEN, or run where ./data/admin-token exists',
      );
    }
    return { url: options.url, token };
  };

  /**
   * Runs one call and prints its response: JSON with `--json`, else `columns` as a table for a list,
   * `human` when given, or `name: value` lines for one object.
   */
  const run = async (
    method: string,
    path: (c: AdminConnection) => Promise<string>,
    body?: unknown,
    view: { columns?: Column[]; human?: (result: Record<string, unknown>) => void } = {},
  ) => {
    const connection = await connect();
    const result = await callAdminApi(connection, method, await path(connection), body);

    if (result === undefined) {
      terminal.out('done\n');
    } else if (admin.opts<AdminOptions>().json) {
      printJson(result);
    } else if (Array.isArray(result)) {
      printTable(result as Array<Record<string, unknown>>, view.columns ?? []);
    } else if (view.human) {
      view.human(result as Record<string, unknown>);
    } else {
      printRecord(result as Record<string, unknown>);
    }
  };
  const inOrg = (org: string | undefined, suffix: string) => async (c: AdminConnection) =>
    `/orgs/${await resolveOrgId(c, org)}${suffix}`;

  const orgs = admin.command('orgs').description('organizations');
  orgs
    .command('list')
    .description('list organizations')
    .action(() => run('GET', async () => '/orgs', undefined, { columns: ORG_COLUMNS }));
  orgs
    .command('create <name>')
    .description('create an organization')
    .action((name: string) => run('POST', async () => '/orgs', { name }));
  orgs
    .command('get <org>')
    .description('show an organization by id or name')
    .action((org: string) => run('GET', inOrg(org, '')));
  orgs
    .command('delete <org>')
    .description('delete an organization and everything in it')
    .action((org: string) => run('DELETE', inOrg(org, '')));

  const accounts = admin
    .command('service-accounts')
    .description('service accounts of an organization');
  withOrg(accounts.command('list').description('list service accounts')).action((o) =>
    run('GET', inOrg(o.org, '/service-accounts'), undefined, { columns: ACCOUNT_COLUMNS }),
  );
  withOrg(accounts.command('create').description('create a service account'))
    .requiredOption('--name <name>', 'service account name')
    .requiredOption('--role <role>', 'role, for example "user access admin"')
    .option('--description <text>', 'free-text description (default: none)')
    .action((o) =>
      run('POST', inOrg(o.org, '/service-accounts'), {
        name: o.name,
        role: o.role,
        ...(o.description ? { description: o.description } : {}),
      }),
    );
  withOrg(accounts.command('get <id>').description('show a service account')).action(
    (id: string, o) => run('GET', inOrg(o.org, `/service-accounts/${id}`)),
  );
  withOrg(
    accounts.command('delete <id>').description('delete a service account, its clients and grants'),
  ).action((id: string, o) => run('DELETE', inOrg(o.org, `/service-accounts/${id}`)));

  const credentials = admin
    .command('credentials')
    .description('OAuth 2.0 clients of a service account');
  withOrg(credentials.command('create').description('create an OAuth client for a service account'))
    .requiredOption('--service-account <id>', 'service account id')
    .requiredOption('--name <name>', 'client name')
    .option(
      '--scopes <list>',
      'comma-separated scopes: manage:directory (read and write), read:directory (read only)',
      'manage:directory',
    )
    .action((o) =>
      run('POST', inOrg(o.org, `/service-accounts/${o.serviceAccount}/credentials`), {
        name: o.name,
        scopes: String(o.scopes)
          .split(',')
          .map((scope) => scope.trim()),
      }),
    );
  withOrg(credentials.command('list').description('list the OAuth clients of a service account'))
    .requiredOption('--service-account <id>', 'service account id')
    .action((o) =>
      run('GET', inOrg(o.org, `/service-accounts/${o.serviceAccount}/credentials`), undefined, {
        columns: CLIENT_COLUMNS,
      }),
    );

  const clients = admin.command('clients').description('OAuth 2.0 clients of an organization');
  withOrg(clients.command('list').description('list OAuth clients')).action((o) =>
    run('GET', inOrg(o.org, '/clients'), undefined, { columns: CLIENT_COLUMNS }),
  );
  withOrg(clients.command('get <clientId>').description('show an OAuth client')).action(
    (id: string, o) => run('GET', inOrg(o.org, `/clients/${id}`)),
  );
  withOrg(clients.command('delete <clientId>').description('delete an OAuth client')).action(
    (id: string, o) => run('DELETE', inOrg(o.org, `/clients/${id}`)),
  );

  const keys = admin.command('keys').description('public keys a client signs assertions with');
  withOrg(
    keys
      .command('set <clientId>')
      .description('register the public keys (JWKS) or JWKS URL a client signs assertions with'),
  )
    .option('--jwks <file>', 'JSON file with a public JWKS ({"keys": [...]}) or a single JWK')
    .option('--jwks-uri <url>', 'URL the server fetches the client JWKS from')
    .action((id: string, o) => {
      const body: Record<string, unknown> = {};
      if (o.jwks) body.jwks = readJwksFile(o.jwks);
      if (o.jwksUri) body.jwksUri = o.jwksUri;
      return run('PUT', inOrg(o.org, `/clients/${id}/keys`), body, { human: printKeys });
    });
  withOrg(keys.command('get <clientId>').description("show a client's registered keys")).action(
    (id: string, o) =>
      run('GET', inOrg(o.org, `/clients/${id}/keys`), undefined, { human: printKeys }),
  );
  withOrg(
    keys
      .command('delete <clientId>')
      .description('remove the keys; the client can no longer authenticate'),
  ).action((id: string, o) => run('DELETE', inOrg(o.org, `/clients/${id}/keys`)));

  const directories = admin.command('directories').description('SCIM directories');
  withOrg(directories.command('list').description('list SCIM directories')).action((o) =>
    run('GET', inOrg(o.org, '/directories'), undefined, { columns: DIRECTORY_COLUMNS }),
  );
  withOrg(directories.command('create <name>').description('create a SCIM directory')).action(
    (name: string, o) => run('POST', inOrg(o.org, '/directories'), { name }),
  );
  withOrg(
    directories.command('get <id>').description('show a SCIM directory and its base URL'),
  ).action((id: string, o) => run('GET', inOrg(o.org, `/directories/${id}`)));
  withOrg(
    directories.command('delete <id>').description('delete a SCIM directory, its users and grants'),
  ).action((id: string, o) => run('DELETE', inOrg(o.org, `/directories/${id}`)));

  const grants = admin.command('grants').description('access of service accounts to directories');
  const grantPath = (o: { directory: string }, suffix = '') =>
    `/directories/${o.directory}/grants${suffix}`;
  withDirectory(grants.command('list').description('list grants on a directory')).action((o) =>
    run('GET', inOrg(o.org, grantPath(o)), undefined, { columns: GRANT_COLUMNS }),
  );
  withDirectory(
    grants.command('create').description('let a service account read or manage a directory'),
  )
    .requiredOption('--service-account <id>', 'service account id')
    .option('--role <role>', 'manage (read and write) or read', 'manage')
    .action((o) =>
      run('POST', inOrg(o.org, grantPath(o)), { serviceAccountId: o.serviceAccount, role: o.role }),
    );
  withDirectory(grants.command('get <grantId>').description('show a grant')).action(
    (id: string, o) => run('GET', inOrg(o.org, grantPath(o, `/${id}`))),
  );
  withDirectory(
    grants.command('delete <grantId>').description('delete a grant; SCIM access stops at once'),
  ).action((id: string, o) => run('DELETE', inOrg(o.org, grantPath(o, `/${id}`))));
}

function withOrg(command: Command): Command {
  return command.option('--org <org>', 'organization id or name', 'default');
}

/** Prints a client's key registration: the JWKS URL, then one line per inline key. */
function printKeys(result: Record<string, unknown>): void {
  printRecord({ clientId: result.clientId, jwksUri: result.jwksUri });
  const jwks = result.jwks as { keys?: Array<Record<string, unknown>> } | null;
  printTable(jwks?.keys ?? [], KEY_COLUMNS);
}

function withDirectory(command: Command): Command {
  return withOrg(command).requiredOption('--directory <id>', 'directory id');
}

/** Accepts an organization id or name and returns its id. */
export async function resolveOrgId(
  connection: AdminConnection,
  org: string | undefined,
): Promise<string> {
  const wanted = org ?? 'default';
  const all = await callAdminApi<Array<{ id: string; name: string }>>(connection, 'GET', '/orgs');
  const match = all.find((candidate) => candidate.id === wanted || candidate.name === wanted);
  if (!match) throw new Error(`organization "${wanted}" not found; see "scimd admin orgs list"`);
  return match.id;
}

function readJwksFile(file: string): unknown {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  return Array.isArray(parsed.keys) ? parsed : { keys: [parsed] };
}
