import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient } from '../helpers/fixtures.js';
import { requestJson } from '../helpers/http.js';
import { startTestServer, TEST_ADMIN_TOKEN } from '../helpers/server.js';

const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const BODY_METHODS = ['POST', 'PUT', 'PATCH'];

/** Field names that the routes read, so that wrong types and long values reach their checks. */
const FIELD_NAMES = [
  'name',
  'userName',
  'displayName',
  'email',
  'password',
  'role',
  'scopes',
  'jwks',
  'members',
  'Operations',
  'schemas',
  'serviceAccountId',
  'adminToken',
  'grant_type',
  'token',
];

interface HostileCase {
  name: string;
  contentType: string;
  body: string;
}

const HOSTILE_CASES: HostileCase[] = [
  { name: 'malformed JSON', contentType: 'application/json', body: '{"name": ' },
  { name: 'wrong content type', contentType: 'text/plain', body: 'name=x' },
  { name: 'empty body', contentType: 'application/json', body: '' },
  { name: 'JSON array', contentType: 'application/json', body: '[]' },
  { name: 'JSON string', contentType: 'application/json', body: '"text"' },
  { name: 'JSON null', contentType: 'application/json', body: 'null' },
  {
    name: 'unknown fields only',
    contentType: 'application/json',
    body: JSON.stringify({ unknownField: 1, anotherUnknown: { nested: true } }),
  },
  {
    name: 'wrong types',
    contentType: 'application/json',
    body: JSON.stringify(Object.fromEntries(FIELD_NAMES.map((field) => [field, 42]))),
  },
  {
    name: 'oversized values',
    contentType: 'application/json',
    body: JSON.stringify(
      Object.fromEntries(FIELD_NAMES.map((field) => [field, 'x'.repeat(20_000)])),
    ),
  },
];

interface RouteEntry {
  path: string;
  methods: string[];
}

/**
 * Reads Fastify's `printRoutes({ commonPrefix: false })` tree: each line is a path segment, and
 * the column of its `/` gives its depth, so a segment extends the last line left of it.
 */
function parseRouteTree(tree: string): RouteEntry[] {
  const entries: RouteEntry[] = [];
  const stack: Array<{ column: number; path: string }> = [];

  for (const line of tree.split('\n')) {
    const match = /^([\s│├└─]*)(\S+) \(([^)]+)\)$/.exec(line);
    if (!match) continue;
    const column = match[1]?.length ?? 0;
    const segment = match[2] ?? '';
    while (stack.length > 0 && (stack.at(-1)?.column ?? 0) >= column) stack.pop();

    const path = `${stack.at(-1)?.path ?? ''}${segment}`;
    stack.push({ column, path });
    entries.push({ path, methods: (match[3] ?? '').split(', ') });
  }
  return entries;
}

type Surface = 'scim' | 'oauth' | 'admin';

function surfaceOf(path: string): Surface | undefined {
  if (path.startsWith('/scim/')) return 'scim';
  if (path.startsWith('/oauth/')) return 'oauth';
  if (path.startsWith('/admin/') || path.startsWith('/console/api/')) return 'admin';
  return undefined;
}

describeEachDatabase('hostile bodies on every route', (database) => {
  let server: RunningServer;
  let integrator: ProvisionedClient;
  let accessToken: string;
  let userId: string;
  let groupId: string;

  before(async () => {
    server = await startTestServer(database());
    integrator = await provisionClient(server.context.storage);
    accessToken = await server.context.accessTokens.issue({
      clientId: integrator.client.clientId,
      serviceAccountId: integrator.serviceAccount.id,
      orgId: integrator.orgId,
      scopes: ['manage:directory'],
    });

    const scimBase = `${server.url}/scim/directory/${integrator.directory.id}`;
    const user = await requestJson(`${scimBase}/Users`, {
      method: 'POST',
      token: accessToken,
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'hostile@example.com',
      },
    });
    userId = user.body.id;
    const group = await requestJson(`${scimBase}/Groups`, {
      method: 'POST',
      token: accessToken,
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'hostile',
        members: [{ value: userId }],
      },
    });
    groupId = group.body.id;
  });
  after(async () => {
    await server.close();
  });

  /** Fills the path parameters with ids that exist, so that requests reach the body checks. */
  function concretePath(path: string): string {
    const id = path.includes('/Groups/') ? groupId : userId;
    return path
      .replace(':directoryId', integrator.directory.id)
      .replace(':orgId', integrator.orgId)
      .replace(':serviceAccountId', integrator.serviceAccount.id)
      .replace(':clientId', integrator.client.clientId)
      .replace(':grantId', 'no-such-grant')
      .replace(':tokenId', 'no-such-token')
      .replace(':id', id);
  }

  /** Reads every row of every table a request could change, in a stable order. */
  async function snapshot(): Promise<string> {
    const { db } = server.context.storage;
    const tables = [
      'organizations',
      'settings',
      'service_accounts',
      'oauth_clients',
      'directories',
      'grants',
      'server_keys',
      'oauth_client_auth',
      'revoked_tokens',
      'directory_api_tokens',
      'scim_users',
      'scim_groups',
      'scim_group_members',
      'scim_directory_options',
      'directory_events',
      'admin_users',
      'admin_sessions',
    ] as const;
    const contents: Record<string, string[]> = {};
    for (const table of tables) {
      const rows = await db.selectFrom(table).selectAll().execute();
      contents[table] = rows.map((row) => JSON.stringify(row)).sort();
    }
    return JSON.stringify(contents);
  }

  test('every body route answers 4xx', async () => {
    const routes = parseRouteTree(server.app.printRoutes({ commonPrefix: false }));
    const targets = routes.flatMap((route) =>
      route.methods
        .filter((method) => BODY_METHODS.includes(method))
        .map((method) => ({ method, path: route.path })),
    );
    // The route table has body routes on every surface; a parse failure would leave none.
    for (const surface of ['scim', 'oauth', 'admin']) {
      assert.ok(
        targets.some((target) => surfaceOf(target.path) === surface),
        surface,
      );
    }

    const failures: string[] = [];
    for (const { method, path } of targets) {
      const surface = surfaceOf(path);
      if (!surface) continue;

      const before = await snapshot();
      for (const hostile of HOSTILE_CASES) {
        const headers: Record<string, string> = { 'content-type': hostile.contentType };
        if (surface === 'scim') headers.authorization = `Bearer ${accessToken}`;
        if (path.startsWith('/admin/')) headers.authorization = `Bearer ${TEST_ADMIN_TOKEN}`;

        const response = await fetch(`${server.url}${concretePath(path)}`, {
          method,
          headers,
          body: hostile.body,
        });
        const text = await response.text();
        const label = `${method} ${path} with ${hostile.name}: ${response.status} ${text.slice(0, 200)}`;
        // 501 is the SCIM response for an endpoint that RFC 7644 defines and scimd does not implement yet.
        const notImplemented = surface === 'scim' && response.status === 501;
        if (!notImplemented && (response.status < 400 || response.status >= 500)) {
          failures.push(label);
          continue;
        }

        const body = JSON.parse(text);
        const formatted =
          surface === 'scim'
            ? Array.isArray(body.schemas) && body.schemas.includes(SCIM_ERROR_SCHEMA)
            : typeof body.error === 'string';
        if (!formatted) failures.push(`${label} (not the ${surface} error format)`);
      }
      if ((await snapshot()) !== before) failures.push(`${method} ${path} changed stored data`);
    }

    assert.deepEqual(failures, []);
  });
});
