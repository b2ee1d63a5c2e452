import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { runScimd } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { startTestServer, TEST_ADMIN_TOKEN } from '../helpers/server.js';

describeEachDatabase('scimd command line', (database) => {
  let server: RunningServer;
  let workDir: string;
  let env: Record<string, string>;
  before(async () => {
    server = await startTestServer(database());
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scimd-cli-'));
    env = { SCIMD_URL: server.url, SCIMD_ADMIN_TOKEN: TEST_ADMIN_TOKEN };
  });
  after(async () => {
    await server.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  test('demo walks the flow against a server', async () => {
    const result = await runScimd(['demo'], { env, cwd: workDir });
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    for (const step of [
      'service account:',
      'credentials:',
      'directory:',
      'keys:',
      'grant:',
      'token:',
      'user:',
    ]) {
      assert.match(result.stdout, new RegExp(`^${step}`, 'm'));
    }
    assert.match(result.stdout, /SCIM base URL http:\/\/127\.0\.0\.1:\d+\/scim\/directory\//);
  });

  test('keys, admin commands and token', async () => {
    const keyFile = path.join(workDir, 'idp.pem');
    const jwksFile = path.join(workDir, 'idp.jwks.json');
    const generated = await runScimd(
      [
        'keys',
        'generate',
        '--alg',
        'ES256',
        '--kid',
        'idp-1',
        '--out',
        keyFile,
        '--jwks-out',
        jwksFile,
      ],
      { env },
    );
    assert.equal(generated.code, 0, generated.stderr);
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    const jwks = JSON.parse(fs.readFileSync(jwksFile, 'utf8'));
    assert.equal(jwks.keys[0].kid, 'idp-1');
    assert.equal(jwks.keys[0].d, undefined);

    // A second key to the same file is refused with advice, and the first key stays.
    const keyBefore = fs.readFileSync(keyFile, 'utf8');
    const again = await runScimd(
      ['keys', 'generate', '--kid', 'idp-2', '--out', keyFile, '--jwks-out', jwksFile],
      { env },
    );
    assert.equal(again.code, 1);
    assert.match(again.stderr, /idp\.pem already exists.*choose another --out/);
    assert.equal(fs.readFileSync(keyFile, 'utf8'), keyBefore);

    const account = await runScimd(
      [
        'admin',
        'service-accounts',
        'create',
        '--name',
        'cli-sa',
        '--role',
        'user access admin',
        '--json',
      ],
      { env },
    );
    assert.equal(account.code, 0, account.stderr);
    const accountId = JSON.parse(account.stdout).id;

    const credentials = await runScimd(
      [
        'admin',
        'credentials',
        'create',
        '--service-account',
        accountId,
        '--name',
        'cli-client',
        '--json',
      ],
      { env },
    );
    assert.equal(credentials.code, 0, credentials.stderr);
    const clientId = JSON.parse(credentials.stdout).clientId;

    const keys = await runScimd(['admin', 'keys', 'set', clientId, '--jwks', jwksFile], { env });
    assert.equal(keys.code, 0, keys.stderr);

    const token = await runScimd(
      ['token', '--client-id', clientId, '--key', keyFile, '--kid', 'idp-1', '--alg', 'ES256'],
      { env },
    );
    assert.equal(token.code, 0, token.stderr);
    const verified = await server.context.accessTokens.verify(token.stdout.trim());
    assert.equal(verified.clientId, clientId);
    assert.deepEqual(verified.scopes, ['manage:directory']);
  });

  test('admin error exits 1 with the message', async () => {
    const result = await runScimd(
      ['admin', 'service-accounts', 'create', '--name', 'x', '--role', ' '],
      {
        env,
      },
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^scimd: admin API answered 400: role: must not be empty/);
  });
});
