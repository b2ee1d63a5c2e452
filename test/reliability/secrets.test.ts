import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient, signAssertion } from '../helpers/fixtures.js';
import { type JsonResponse, requestJson } from '../helpers/http.js';
import { startTestServer, TEST_ADMIN_TOKEN } from '../helpers/server.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PASSWORD = 'Correct-Horse-Battery-9';
const TABLES_WITH_SECRETS = [
  'settings',
  'server_keys',
  'oauth_clients',
  'scim_users',
  'assertion_jtis',
] as const;

describeEachDatabase('secrets stay out of logs, answers and storage', (database) => {
  const encryptionKey = randomBytes(32).toString('base64');
  const logLines: string[] = [];
  const answers: Array<JsonResponse> = [];
  let server: RunningServer;
  let integrator: ProvisionedClient;
  let assertion: string;
  let accessToken: string;

  before(async () => {
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    server = await startTestServer(
      database(),
      { SCIMD_KEY_ENCRYPTION_KEY: encryptionKey },
      { level: 'trace', stream },
    );
    integrator = await provisionClient(server.context.storage);

    // Walk the flow, with failures on purpose, so that every path has logged something.
    assertion = await signAssertion(
      integrator.key,
      integrator.client.clientId,
      `${server.url}/oauth/token`,
    );
    const tokenBody = {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    };
    const token = await requestJson(`${server.url}/oauth/token`, {
      method: 'POST',
      body: tokenBody,
    });
    accessToken = token.body.access_token;
    answers.push(
      await requestJson(`${server.url}/oauth/token`, { method: 'POST', body: tokenBody }),
    );

    const scimBase = `${server.url}/scim/directory/${integrator.directory.id}`;
    answers.push(
      await requestJson(`${scimBase}/Users`, {
        method: 'POST',
        token: accessToken,
        body: { schemas: [USER_SCHEMA], userName: 'secret.keeper@example.com', password: PASSWORD },
      }),
    );
    answers.push(
      await requestJson(`${scimBase}/Users`, {
        method: 'POST',
        token: accessToken,
        body: { schemas: [USER_SCHEMA], userName: 'secret.keeper@example.com', password: PASSWORD },
      }),
    );
    answers.push(await requestJson(`${scimBase}/Users`, { token: `${accessToken}x` }));
    answers.push(
      await requestJson(`${server.url}/admin/v1/orgs`, { token: `${TEST_ADMIN_TOKEN}x` }),
    );
    answers.push(await requestJson(`${server.url}/admin/v1/orgs`, { token: TEST_ADMIN_TOKEN }));
  });
  after(async () => {
    await server.close();
  });

  function secrets(): Record<string, string> {
    return {
      'access token signature': accessToken.split('.')[2]!,
      'client assertion signature': assertion.split('.')[2]!,
      'admin token': TEST_ADMIN_TOKEN,
      password: PASSWORD,
      'encryption key': encryptionKey,
    };
  }

  test('flow ran its paths', () => {
    assert.equal(typeof accessToken, 'string');
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [401, 201, 409, 401, 401, 200],
    );
  });

  test('logs hold no secret', () => {
    assert.ok(logLines.length > 0, 'the server logged something');
    const logged = logLines.join('');
    for (const [name, value] of Object.entries(secrets())) {
      assert.equal(logged.includes(value), false, `the log contains the ${name}`);
    }
  });

  test('answers hold no secret', () => {
    const sent = JSON.stringify(answers.map((answer) => answer.body));
    for (const [name, value] of Object.entries(secrets())) {
      assert.equal(sent.includes(value), false, `an answer contains the ${name}`);
    }
  });

  test('storage holds no secret in plain text', async () => {
    const { db } = server.context.storage;
    const rows: unknown[] = [];
    for (const table of TABLES_WITH_SECRETS) {
      rows.push(...(await db.selectFrom(table).selectAll().execute()));
    }
    const stored = JSON.stringify(rows);
    for (const [name, value] of Object.entries(secrets())) {
      assert.equal(stored.includes(value), false, `the database contains the ${name}`);
    }
    const keys = await db.selectFrom('server_keys').select('private_jwk').execute();
    for (const key of keys) {
      assert.equal(
        key.private_jwk.includes('"d"'),
        false,
        'a server private key is stored unencrypted',
      );
    }
  });
});
