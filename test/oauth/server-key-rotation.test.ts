import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeProtectedHeader } from 'jose';
import { loadConfig } from '../../src/config/index.js';
import { loadSecretBox } from '../../src/oauth/encryption.js';
import { ServerKeyStore } from '../../src/oauth/server-keys.js';
import type { RunningServer } from '../../src/server/start.js';
import type { Storage } from '../../src/storage/database.js';
import { runScimd } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient, signAssertion } from '../helpers/fixtures.js';
import { requestJson } from '../helpers/http.js';
import { startTestServer } from '../helpers/server.js';
import { assertionParams, requestToken } from './token-requests.js';

/** Publish delay of the suite, in seconds: processes reload keys every second. */
const PUBLISH_SECONDS = 2;

describeEachDatabase('server key rotation', (database) => {
  let first: RunningServer;
  let second: RunningServer;
  let integrator: ProvisionedClient;
  const env = { SCIMD_KEY_PUBLISH_SECONDS: String(PUBLISH_SECONDS) };

  before(async () => {
    first = await startTestServer(database(), env);
    second = await startTestServer(database(), env);
    integrator = await provisionClient(first.context.storage);
  });
  after(async () => {
    await first.close();
    await second.close();
  });

  async function accessToken(server: RunningServer): Promise<string> {
    const assertion = await signAssertion(integrator.key, integrator.client.clientId, server.url);
    const result = await requestToken(server.url, assertionParams(assertion));
    assert.equal(result.status, 200);
    return String(result.body.access_token);
  }

  async function publishedKids(server: RunningServer): Promise<string[]> {
    const response = await requestJson<{ keys: Array<{ kid: string }> }>(
      `${server.url}/oauth/jwks`,
    );
    return response.body.keys.map((key) => key.kid);
  }

  function listUsers(server: RunningServer, token: string) {
    return requestJson(`${server.url}/scim/directory/${integrator.directory.id}/Users`, { token });
  }

  test('both processes share one signing key', async () => {
    const fromFirst = decodeProtectedHeader(await accessToken(first)).kid;
    const fromSecond = decodeProtectedHeader(await accessToken(second)).kid;

    assert.equal(fromFirst, fromSecond);
  });

  test('scimd keys rotate publishes first, signs later, keeps the old key', async () => {
    const oldToken = await accessToken(first);
    const oldKid = decodeProtectedHeader(oldToken).kid!;

    const cli = await runScimd(['keys', 'rotate'], {
      env: {
        SCIMD_DATA_DIR: database().dataDir,
        SCIMD_DATABASE_URL: database().databaseUrl ?? '',
        SCIMD_LOG_LEVEL: 'silent',
        ...env,
      },
    });
    assert.equal(cli.code, 0, cli.stderr);
    const newKid = /new key (\S+) /.exec(cli.stdout)?.[1];
    assert.ok(newKid, cli.stdout);

    // Published by both processes before it signs anything.
    await sleep(1100);
    assert.deepEqual((await publishedKids(first)).sort(), [oldKid, newKid].sort());
    assert.deepEqual((await publishedKids(second)).sort(), [oldKid, newKid].sort());
    assert.equal(decodeProtectedHeader(await accessToken(second)).kid, oldKid);

    // Signs once the publish delay has passed, in every process.
    await sleep(PUBLISH_SECONDS * 1000);
    assert.equal(decodeProtectedHeader(await accessToken(first)).kid, newKid);
    assert.equal(decodeProtectedHeader(await accessToken(second)).kid, newKid);

    // Tokens of the old key stay valid until they expire.
    assert.equal((await listUsers(first, oldToken)).status, 200);
    assert.ok((await publishedKids(first)).includes(oldKid));
  });
});

describeEachDatabase('server key retirement', (database) => {
  let storage: Storage;
  let store: ServerKeyStore;

  before(async () => {
    storage = await database().open();
    const config = loadConfig({ SCIMD_DATA_DIR: database().dataDir });
    store = new ServerKeyStore(storage, loadSecretBox(config), { publishSeconds: 1 });
    await store.initialize();
  });
  after(async () => {
    await storage.close();
  });

  test('old key unpublished after its tokens expire', async () => {
    const oldKid = (await store.currentSigningKey()).kid;
    const rotation = await store.rotate({ publishSeconds: 0, retireAfterSeconds: 1 });

    assert.deepEqual(
      rotation.retiring.map((key) => key.kid),
      [oldKid],
    );
    assert.equal((await store.currentSigningKey()).kid, rotation.kid);
    assert.ok(store.publicJwks().keys.some((key) => key.kid === oldKid));

    await sleep(1200);
    await store.refreshIfStale();
    assert.deepEqual(
      store.publicJwks().keys.map((key) => key.kid),
      [rotation.kid],
    );
    assert.equal(await store.verificationKey(oldKid), undefined);
  });

  test('rotation with another algorithm', async () => {
    const rotation = await store.rotate({
      alg: 'EdDSA',
      publishSeconds: 0,
      retireAfterSeconds: 60,
    });
    const signing = await store.currentSigningKey();

    assert.equal(signing.kid, rotation.kid);
    assert.equal(signing.alg, 'EdDSA');
  });

  test('private keys stored encrypted', async () => {
    const rows = await storage.db.selectFrom('server_keys').select('private_jwk').execute();

    for (const row of rows) {
      assert.match(row.private_jwk, /^v1\./);
      assert.equal(row.private_jwk.includes('"d"'), false);
    }
  });
});
