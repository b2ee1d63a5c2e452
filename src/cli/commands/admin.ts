import fs from 'node:fs';
import type { Command } from 'commander';
import {
  type AdminConnection,
  callAdminApi,
  defaultServerUrl,
  resolveAdminToken,
} from '../admin-client.js';

interface AdminOptions {
  url: string;
  adminToken?: string;
}

/** `scimd admin …`: every admin API call, printed as JSON. */
export function registerAdmin(program: Command): void {
  const admin = program
    .command('admin')
    .description(
      'manage organizations, service accounts, credentials, keys, directories and grants',
    )
    .option('--url <url>', 'server URL (SCIMD_URL)', defaultServerUrl())
    .option('--admin-token <token>', 'admin token (SCIMD_ADMIN_TOKEN, else ./data/admin-token)');

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

  /** Runs one call and prints its answer; `orgPath` builds the path from the resolved org id. */
  const run = async (
    method: string,
    path: (c: AdminConnection) => Promise<string>,
    body?: unknown,
  ) => {
    const connection = await connect();
    const result = await callAdminApi(connection, method, await path(connection), body);
    process.stdout.write(result === undefined ? 'done\n' : `${JSON.stringify(result, null, 2)}\n`);
  };
  const inOrg = (org: string | undefined, suffix: string) => async (c: AdminConnection) =>
    `/orgs/${await resolveOrgId(c, org)}${suffix}`;

  const orgs = admin.command('orgs').description('organizations');
  orgs.command('list').action(() => run('GET', async () => '/orgs'));
  orgs
    .command('create <name>')
    .action((name: string) => run('POST', async () => '/orgs', { name }));
  orgs.command('get <org>').action((org: string) => run('GET', inOrg(org, '')));
  orgs.command('delete <org>').action((org: string) => run('DELETE', inOrg(org, '')));

  const accounts = admin
    .command('service-accounts')
    .description('service accounts of an organization');
  withOrg(accounts.command('list')).action((o) => run('GET', inOrg(o.org, '/service-accounts')));
  withOrg(accounts.command('create'))
    .requiredOption('--name <name>', 'service account name')
    .requiredOption('--role <role>', 'role, for example "user access admin"')
    .option('--description <text>', 'description')
    .action((o) =>
      run('POST', inOrg(o.org, '/service-accounts'), {
        name: o.name,
        role: o.role,
        ...(o.description ? { description: o.description } : {}),
      }),
    );
  withOrg(accounts.command('get <id>')).action((id: string, o) =>
    run('GET', inOrg(o.org, `/service-accounts/${id}`)),
  );
  withOrg(accounts.command('delete <id>')).action((id: string, o) =>
    run('DELETE', inOrg(o.org, `/service-accounts/${id}`)),
  );

  const credentials = admin
    .command('credentials')
    .description('OAuth 2.0 clients of a service account');
  withOrg(credentials.command('create'))
    .requiredOption('--service-account <id>', 'service account id')
    .requiredOption('--name <name>', 'client name')
    .option('--scopes <list>', 'comma-separated scopes', 'manage:directory')
    .action((o) =>
      run('POST', inOrg(o.org, `/service-accounts/${o.serviceAccount}/credentials`), {
        name: o.name,
        scopes: String(o.scopes)
          .split(',')
          .map((scope) => scope.trim()),
      }),
    );
  withOrg(credentials.command('list'))
    .requiredOption('--service-account <id>', 'service account id')
    .action((o) => run('GET', inOrg(o.org, `/service-accounts/${o.serviceAccount}/credentials`)));

  const clients = admin.command('clients').description('OAuth 2.0 clients of an organization');
  withOrg(clients.command('list')).action((o) => run('GET', inOrg(o.org, '/clients')));
  withOrg(clients.command('get <clientId>')).action((id: string, o) =>
    run('GET', inOrg(o.org, `/clients/${id}`)),
  );
  withOrg(clients.command('delete <clientId>')).action((id: string, o) =>
    run('DELETE', inOrg(o.org, `/clients/${id}`)),
  );

  const keys = admin.command('keys').description('public keys a client signs assertions with');
  withOrg(keys.command('set <clientId>'))
    .option('--jwks <file>', 'JSON file with a public JWKS ({"keys": [...]}) or a single JWK')
    .option('--jwks-uri <url>', 'URL the server fetches the client JWKS from')
    .action((id: string, o) => {
      const body: Record<string, unknown> = {};
      if (o.jwks) body.jwks = readJwksFile(o.jwks);
      if (o.jwksUri) body.jwksUri = o.jwksUri;
      return run('PUT', inOrg(o.org, `/clients/${id}/keys`), body);
    });
  withOrg(keys.command('get <clientId>')).action((id: string, o) =>
    run('GET', inOrg(o.org, `/clients/${id}/keys`)),
  );
  withOrg(keys.command('delete <clientId>')).action((id: string, o) =>
    run('DELETE', inOrg(o.org, `/clients/${id}/keys`)),
  );

  const directories = admin.command('directories').description('SCIM directories');
  withOrg(directories.command('list')).action((o) => run('GET', inOrg(o.org, '/directories')));
  withOrg(directories.command('create <name>')).action((name: string, o) =>
    run('POST', inOrg(o.org, '/directories'), { name }),
  );
  withOrg(directories.command('get <id>')).action((id: string, o) =>
    run('GET', inOrg(o.org, `/directories/${id}`)),
  );
  withOrg(directories.command('delete <id>')).action((id: string, o) =>
    run('DELETE', inOrg(o.org, `/directories/${id}`)),
  );

  const grants = admin.command('grants').description('access of service accounts to directories');
  const grantPath = (o: { directory: string }, suffix = '') =>
    `/directories/${o.directory}/grants${suffix}`;
  withDirectory(grants.command('list')).action((o) => run('GET', inOrg(o.org, grantPath(o))));
  withDirectory(grants.command('create'))
    .requiredOption('--service-account <id>', 'service account id')
    .option('--role <role>', 'manage (read and write) or read', 'manage')
    .action((o) =>
      run('POST', inOrg(o.org, grantPath(o)), { serviceAccountId: o.serviceAccount, role: o.role }),
    );
  withDirectory(grants.command('get <grantId>')).action((id: string, o) =>
    run('GET', inOrg(o.org, grantPath(o, `/${id}`))),
  );
  withDirectory(grants.command('delete <grantId>')).action((id: string, o) =>
    run('DELETE', inOrg(o.org, grantPath(o, `/${id}`))),
  );
}

function withOrg(command: Command): Command {
  return command.option('--org <org>', 'organization id or name', 'default');
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
