import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { startTestServer } from '../helpers/server.js';

describeEachDatabase('server start-up', (database) => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer(database());
  });
  after(async () => {
    await server.close();
  });

  test('publishes one ES256 signing key', async () => {
    const response = await fetch(`${server.url}/oauth/jwks`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { keys: Array<Record<string, unknown>> };
    assert.equal(body.keys.length, 1);
    assert.equal(body.keys[0]?.alg, 'ES256');
    assert.equal(body.keys[0]?.kty, 'EC');
    assert.equal('d' in (body.keys[0] ?? {}), false, 'private member must not be published');
  });

  test('creates the default organization once', async () => {
    const rows = await server.context.storage.db.selectFrom('organizations').selectAll().execute();
    assert.deepEqual(
      rows.map((row) => row.name),
      ['default'],
    );
  });
});
