import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { generateIntegratorKey, signAssertion } from '../helpers/fixtures.js';
import { adminRequest, requestJson } from '../helpers/http.js';
import { startTestServer } from '../helpers/server.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

interface Account {
  name: string;
  orgId: string;
  token: string;
  /** Directory ids this account has a grant on, with the grant's role. */
  grants: Map<string, 'manage' | 'read'>;
  scope: 'manage:directory' | 'read:directory';
}

/**
 * Two organizations, each with two directories and two service accounts: one that manages its
 * first directory, and one that only reads its second. Every account is tried on every directory.
 */
describeEachDatabase('tenant isolation matrix', (database) => {
  let server: RunningServer;
  const accounts: Account[] = [];
  const directories: Array<{ id: string; orgId: string; userId: string }> = [];

  async function createAccount(orgId: string, name: string, scope: Account['scope']) {
    const account = await adminRequest(server.url, 'POST', `/orgs/${orgId}/service-accounts`, {
      name,
      role: 'matrix',
    });
    const client = await adminRequest(
      server.url,
      'POST',
      `/orgs/${orgId}/service-accounts/${account.body.id}/credentials`,
      { name, scopes: [scope] },
    );
    const key = await generateIntegratorKey('ES256', `${name}-key`);
    await adminRequest(server.url, 'PUT', `/orgs/${orgId}/clients/${client.body.clientId}/keys`, {
      jwks: { keys: [key.publicJwk] },
    });
    return { id: account.body.id as string, clientId: client.body.clientId as string, key };
  }

  async function fetchToken(
    clientId: string,
    key: Awaited<ReturnType<typeof generateIntegratorKey>>,
  ) {
    const assertion = await signAssertion(key, clientId, `${server.url}/oauth/token`);
    const response = await requestJson(`${server.url}/oauth/token`, {
      method: 'POST',
      body: {
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      },
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.access_token as string;
  }

  before(async () => {
    server = await startTestServer(database());

    for (const orgName of ['tenant-a', 'tenant-b']) {
      const org = await adminRequest(server.url, 'POST', '/orgs', { name: orgName });
      const orgId = org.body.id as string;
      const first = await adminRequest(server.url, 'POST', `/orgs/${orgId}/directories`, {
        name: 'first',
      });
      const second = await adminRequest(server.url, 'POST', `/orgs/${orgId}/directories`, {
        name: 'second',
      });

      const writer = await createAccount(orgId, `${orgName}-writer`, 'manage:directory');
      const reader = await createAccount(orgId, `${orgName}-reader`, 'read:directory');
      await adminRequest(server.url, 'POST', `/orgs/${orgId}/directories/${first.body.id}/grants`, {
        serviceAccountId: writer.id,
        role: 'manage',
      });
      await adminRequest(
        server.url,
        'POST',
        `/orgs/${orgId}/directories/${second.body.id}/grants`,
        {
          serviceAccountId: reader.id,
          role: 'read',
        },
      );
      // The writer also manages the second directory, so it can seed a user there.
      const seedGrant = await adminRequest(
        server.url,
        'POST',
        `/orgs/${orgId}/directories/${second.body.id}/grants`,
        { serviceAccountId: writer.id, role: 'manage' },
      );

      const writerToken = await fetchToken(writer.clientId, writer.key);
      for (const directory of [first.body, second.body]) {
        const user = await requestJson(`${server.url}/scim/directory/${directory.id}/Users`, {
          method: 'POST',
          token: writerToken,
          body: { schemas: [USER_SCHEMA], userName: `seed@${orgName}.example` },
        });
        assert.equal(user.status, 201);
        directories.push({ id: directory.id, orgId, userId: user.body.id });
      }
      await adminRequest(
        server.url,
        'DELETE',
        `/orgs/${orgId}/directories/${second.body.id}/grants/${seedGrant.body.id}`,
      );

      accounts.push({
        name: `${orgName}-writer`,
        orgId,
        token: writerToken,
        grants: new Map([[first.body.id, 'manage']]),
        scope: 'manage:directory',
      });
      accounts.push({
        name: `${orgName}-reader`,
        orgId,
        token: await fetchToken(reader.clientId, reader.key),
        grants: new Map([[second.body.id, 'read']]),
        scope: 'read:directory',
      });
    }
  });
  after(async () => {
    await server.close();
  });

  test('reads succeed only with a grant', async () => {
    for (const account of accounts) {
      for (const directory of directories) {
        const allowed = account.grants.has(directory.id);
        const list = await requestJson(`${server.url}/scim/directory/${directory.id}/Users`, {
          token: account.token,
        });
        assert.equal(list.status, allowed ? 200 : 403, `${account.name} lists ${directory.id}`);

        const one = await requestJson(
          `${server.url}/scim/directory/${directory.id}/Users/${directory.userId}`,
          { token: account.token },
        );
        assert.equal(
          one.status,
          allowed ? 200 : 403,
          `${account.name} reads a user of ${directory.id}`,
        );
      }
    }
  });

  test('writes succeed only with manage grant and scope', async () => {
    let counter = 0;
    for (const account of accounts) {
      for (const directory of directories) {
        const allowed =
          account.grants.get(directory.id) === 'manage' && account.scope === 'manage:directory';
        const response = await requestJson(`${server.url}/scim/directory/${directory.id}/Users`, {
          method: 'POST',
          token: account.token,
          body: { schemas: [USER_SCHEMA], userName: `matrix.${counter++}@example.com` },
        });
        assert.equal(
          response.status,
          allowed ? 201 : 403,
          `${account.name} writes to ${directory.id}`,
        );
      }
    }
  });

  test('denials look the same for every tenant', async () => {
    const outsider = accounts[0]!;
    const foreign = directories.find((directory) => directory.orgId !== outsider.orgId)!;
    const unknown = '00000000-0000-7000-8000-000000000000';
    const foreignAnswer = await requestJson(`${server.url}/scim/directory/${foreign.id}/Users`, {
      token: outsider.token,
    });
    const unknownAnswer = await requestJson(`${server.url}/scim/directory/${unknown}/Users`, {
      token: outsider.token,
    });
    assert.equal(foreignAnswer.status, 403);
    assert.equal(unknownAnswer.status, 403);
    assert.equal(
      JSON.stringify(foreignAnswer.body).replaceAll(foreign.id, 'ID'),
      JSON.stringify(unknownAnswer.body).replaceAll(unknown, 'ID'),
    );
  });

  test('user ids never resolve in another directory', async () => {
    const writer = accounts[0]!;
    const own = directories.find((directory) => writer.grants.has(directory.id))!;
    for (const other of directories.filter((directory) => directory.id !== own.id)) {
      const response = await requestJson(
        `${server.url}/scim/directory/${own.id}/Users/${other.userId}`,
        { token: writer.token },
      );
      assert.equal(response.status, 404, `user of ${other.id} resolved in ${own.id}`);

      const filtered = await requestJson(
        `${server.url}/scim/directory/${own.id}/Users?filter=${encodeURIComponent(`id eq "${other.userId}"`)}`,
        { token: writer.token },
      );
      assert.equal(filtered.status, 200);
      assert.equal(filtered.body.totalResults, 0);
    }
  });
});
