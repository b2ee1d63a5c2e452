import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { exportPKCS8 } from 'jose';
import type { RunningServer } from '../../src/server/start.js';
import { runScimd } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient } from '../helpers/fixtures.js';
import { startTestServer, TEST_ADMIN_TOKEN } from '../helpers/server.js';
import { runInProcess } from './run-in-process.js';

describeEachDatabase('scimd token, scim and admin tables', (database) => {
  let server: RunningServer;
  let integrator: ProvisionedClient;
  let workDir: string;
  let keyFile: string;
  let env: Record<string, string>;

  before(async () => {
    server = await startTestServer(database());
    integrator = await provisionClient(server.context.storage);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scimd-kit-'));
    keyFile = path.join(workDir, 'key.pem');
    fs.writeFileSync(keyFile, await exportPKCS8(integrator.key.privateKey), { mode: 0o600 });
    env = {
      SCIMD_URL: server.url,
      SCIMD_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      SCIMD_SCIM_URL: `${server.url}/scim/directory/${integrator.directory.id}`,
    };
  });
  after(async () => {
    await server.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  const credentials = () => [
    '--client-id',
    integrator.client.clientId,
    '--key',
    keyFile,
    '--kid',
    integrator.key.kid,
  ];

  test('token --json prints the token response', async () => {
    const result = await runInProcess(['token', ...credentials(), '--json'], env);

    assert.equal(result.code, 0, result.stderr);
    const response = JSON.parse(result.stdout);
    assert.equal(response.token_type, 'Bearer');
    assert.equal(response.expires_in, 3600);
    const claims = await server.context.accessTokens.verify(response.access_token);
    assert.equal(claims.clientId, integrator.client.clientId);
  });

  test('token with an unknown kid exits 1', async () => {
    const result = await runInProcess(
      ['token', '--client-id', integrator.client.clientId, '--key', keyFile, '--kid', 'nope'],
      env,
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^scimd: invalid_client: /);
    assert.equal(result.stdout, '');
  });

  test('scim post, get and users list', async () => {
    const userFile = path.join(workDir, 'user.json');
    fs.writeFileSync(
      userFile,
      JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'cli.user@example.com',
        displayName: 'CLI User',
      }),
    );

    const created = await runInProcess(
      ['scim', 'post', 'Users', '--data', `@${userFile}`, ...credentials()],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const user = JSON.parse(created.stdout);
    assert.equal(user.userName, 'cli.user@example.com');

    const token = (await runInProcess(['token', ...credentials()], env)).stdout.trim();
    const fetched = await runInProcess(['scim', 'get', `Users/${user.id}`], {
      ...env,
      SCIMD_TOKEN: token,
    });
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.equal(JSON.parse(fetched.stdout).displayName, 'CLI User');

    const table = await runInProcess(
      ['scim', 'users', 'list', '--filter', 'userName eq "cli.user@example.com"'],
      { ...env, SCIMD_TOKEN: token },
    );
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^ID\s+USER NAME\s+DISPLAY NAME\s+ACTIVE$/);
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, new RegExp(`^${user.id}\\s+cli.user@example.com\\s+CLI User\\s+true$`));

    const json = await runInProcess(['scim', 'users', 'list', '--json', '--count', '1'], {
      ...env,
      SCIMD_TOKEN: token,
    });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(
      JSON.parse(json.stdout).map((listed: { id: string }) => listed.id),
      [user.id],
    );
  });

  test('scim post reads standard input', async () => {
    const result = await runScimd(['scim', 'post', 'Users', '--data', '-', ...credentials()], {
      env,
      input: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'stdin@example.com',
      }),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).userName, 'stdin@example.com');
  });

  test('scim error exits 1 with the SCIM error', async () => {
    const result = await runInProcess(
      [
        'scim',
        'post',
        'Users',
        '--data',
        '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}',
        ...credentials(),
      ],
      env,
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^scimd: SCIM request failed with 400 invalidValue: .*userName/);
  });

  test('scim without a token exits 1', async () => {
    const result = await runInProcess(['scim', 'get', 'Users'], env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no access token: pass --token, set SCIMD_TOKEN/);
  });

  test('scim with invalid --data exits 1', async () => {
    const result = await runInProcess(
      ['scim', 'post', 'Users', '--data', '{nope', '--token', 'x'],
      env,
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--data is not valid JSON/);
  });

  test('admin list prints a table, --json an array', async () => {
    const table = await runInProcess(['admin', 'orgs', 'list'], env);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID\s+NAME\s+CREATED\n/);
    assert.match(table.stdout, /\n[0-9a-f-]{36}\s+default\s+\d{4}-/);

    const json = await runInProcess(['admin', 'orgs', 'list', '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    const orgs = JSON.parse(json.stdout);
    assert.ok(orgs.some((org: { name: string }) => org.name === 'default'));
  });

  test('admin get prints name: value lines', async () => {
    const created = await runInProcess(
      ['admin', 'directories', 'create', 'cli_table_directory'],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^id:\s+[0-9a-f-]{36}$/m);
    assert.match(
      created.stdout,
      /^scimBaseUrl:\s+http:\/\/127\.0\.0\.1:\d+\/scim\/directory\/[0-9a-f-]{36}$/m,
    );
  });

  test('keys jwks infers the algorithm', async () => {
    const result = await runInProcess(['keys', 'jwks', '--key', keyFile, '--kid', 'again'], env);
    assert.equal(result.code, 0, result.stderr);
    const jwks = JSON.parse(result.stdout);
    assert.equal(jwks.keys[0].alg, 'RS256');
    assert.equal(jwks.keys[0].kid, 'again');
    assert.equal(jwks.keys[0].n, integrator.key.publicJwk.n);
    assert.equal(jwks.keys[0].d, undefined);
  });
});
