import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient, signAssertion } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';
import { assertionParams, requestToken } from './token-requests.js';

describeEachDatabase('token endpoint logging', (database) => {
  let server: RunningServer;
  let integrator: ProvisionedClient;
  const lines: Array<Record<string, unknown>> = [];

  before(async () => {
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    server = await startTestServer(database(), {}, { level: 'info', stream });
    integrator = await provisionClient(server.context.storage);
  });
  after(async () => {
    await server.close();
  });

  test('rejection logged without the assertion', async () => {
    const assertion = await signAssertion(integrator.key, integrator.client.clientId, server.url, {
      claims: { sub: 'someone-else' },
    });
    lines.length = 0;
    const result = await requestToken(server.url, assertionParams(assertion));

    assert.equal(result.status, 401);
    const rejected = lines.find((line) => line.msg === 'token request rejected');
    assert.ok(rejected, 'a rejection line is logged');
    assert.equal(rejected.level, 30);
    assert.equal(rejected.error, 'invalid_client');
    assert.equal(rejected.description, 'client authentication failed');
    assert.deepEqual(rejected.detail, { reason: 'iss and sub must both equal the client id' });
    assert.equal(result.body.error_description, 'client authentication failed');
    const signature = assertion.split('.')[2]!;
    assert.equal(JSON.stringify(lines).includes(signature), false);
  });

  test('success logged without the token', async () => {
    const assertion = await signAssertion(integrator.key, integrator.client.clientId, server.url);
    lines.length = 0;
    const result = await requestToken(server.url, assertionParams(assertion));

    assert.equal(result.status, 200);
    const authenticated = lines.find((line) => line.msg === 'client authenticated');
    assert.equal(authenticated?.clientId, integrator.client.clientId);
    const logged = JSON.stringify(lines);
    assert.equal(logged.includes(assertion.split('.')[2]!), false);
    assert.equal(logged.includes(String(result.body.access_token).split('.')[2]!), false);
  });
});
