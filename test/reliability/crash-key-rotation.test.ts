import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeProtectedHeader } from 'jose';
import { openStorage, type Storage } from '../../src/storage/database.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { provisionClient } from '../helpers/fixtures.js';
import { requestJson } from '../helpers/http.js';
import { startTestServer } from '../helpers/server.js';
import { freePort, kill, spawnScimd } from './serve-process.js';

const ROUNDS = 3;

/** Reads the key table as text, to notice the first committed change. */
async function keyTable(storage: Storage): Promise<string> {
  const rows = await storage.db
    .selectFrom('server_keys')
    .select(['kid', 'status', 'retires_at'])
    .orderBy('kid')
    .execute();
  return JSON.stringify(rows);
}

describeEachDatabase('process killed during key rotation', (database) => {
  test('one signing key after SIGKILL', { timeout: 180_000 }, async (t) => {
    // The restart keeps the port, so the issuer of the tokens stays the same.
    const env = { SCIMD_PORT: String(await freePort()) };
    const first = await startTestServer(database(), env);
    const integrator = await provisionClient(first.context.storage);
    const issueToken = (server: typeof first) =>
      server.context.accessTokens.issue({
        clientId: integrator.client.clientId,
        serviceAccountId: integrator.serviceAccount.id,
        orgId: integrator.orgId,
        scopes: ['manage:directory'],
      });
    const tokenBefore = await issueToken(first);
    await first.close();

    const storage = openStorage({
      databaseUrl: database().databaseUrl,
      dataDir: database().dataDir,
    });
    try {
      for (let round = 0; round < ROUNDS; round++) {
        // RS256 key generation takes long enough for the kill to land while the command runs.
        const before = await keyTable(storage);
        const child = spawnScimd(database(), ['keys', 'rotate', '--alg', 'RS256']);
        let running = true;
        child.once('exit', () => {
          running = false;
        });

        // Kill the command at the first change of the key table that other connections can see.
        while (running && (await keyTable(storage)) === before) await sleep(2);
        const killedWhileRunning = running;
        await kill(child);
        t.diagnostic(
          `round ${round}: ${killedWhileRunning ? 'killed at the first change' : 'exited'}`,
        );

        const unretired = await storage.db
          .selectFrom('server_keys')
          .select('kid')
          .where('status', '=', 'active')
          .where('retires_at', 'is', null)
          .execute();
        assert.equal(unretired.length, 1, `round ${round}: ${await keyTable(storage)}`);
      }
    } finally {
      await storage.close();
    }

    const second = await startTestServer(database(), env);
    try {
      const scimUsers = `${second.url}/scim/directory/${integrator.directory.id}/Users`;
      const withOldToken = await requestJson(scimUsers, { token: tokenBefore });
      assert.equal(withOldToken.status, 200);

      const tokenAfter = await issueToken(second);
      const withNewToken = await requestJson(scimUsers, { token: tokenAfter });
      assert.equal(withNewToken.status, 200);

      const jwks = await requestJson<{ keys: Array<{ kid: string }> }>(`${second.url}/oauth/jwks`);
      const published = jwks.body.keys.map((key) => key.kid);
      assert.ok(published.includes(String(decodeProtectedHeader(tokenBefore).kid)));
    } finally {
      await second.close();
    }
  });
});
