import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDirectory } from '../../src/directory/directories.js';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient } from '../helpers/fixtures.js';
import { adminRequest, requestJson } from '../helpers/http.js';
import { startTestServer } from '../helpers/server.js';
import { postRaw } from './token-requests.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

describeEachDatabase('directory API tokens', (database) => {
  let server: RunningServer;
  let integrator: ProvisionedClient;

  before(async () => {
    server = await startTestServer(database());
    integrator = await provisionClient(server.context.storage);
  });
  after(async () => {
    await server.close();
  });

  const tokensPath = (directoryId = integrator.directory.id) =>
    `/orgs/${integrator.orgId}/directories/${directoryId}/api-tokens`;

  async function createToken(body: Record<string, unknown> = {}, directoryId?: string) {
    const response = await adminRequest(server.url, 'POST', tokensPath(directoryId), {
      name: 'entra secret token',
      scope: 'manage:directory',
      ...body,
    });
    assert.equal(response.status, 201);
    return response.body as { id: string; token: string };
  }

  function listUsers(token: string, directoryId = integrator.directory.id) {
    return requestJson(`${server.url}/scim/directory/${directoryId}/Users`, { token });
  }

  function createUser(token: string) {
    return requestJson(`${server.url}/scim/directory/${integrator.directory.id}/Users`, {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/scim+json' },
      body: { schemas: [USER_SCHEMA], userName: `user-${Math.random().toString(36).slice(2)}` },
    });
  }

  test('token text shown once and prefixed', async () => {
    const created = await createToken();
    const listed = await adminRequest(server.url, 'GET', tokensPath());

    assert.match(created.token, /^scimd_dat_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    assert.equal(JSON.stringify(listed.body).includes(created.token.slice(43)), false);
    assert.ok(listed.body.some((token: { id: string }) => token.id === created.id));
  });

  test('token stored as a hash', async () => {
    const created = await createToken();
    const row = await server.context.storage.db
      .selectFrom('directory_api_tokens')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();

    assert.equal(row.secret_hash.includes(created.token.slice(43)), false);
    assert.match(row.secret_hash, /^s256\$/);
  });

  test('manage token reads and writes SCIM', async () => {
    const created = await createToken();
    const list = await listUsers(created.token);
    const write = await createUser(created.token);

    assert.equal(list.status, 200);
    assert.equal(write.status, 201);
  });

  test('read token cannot write', async () => {
    const created = await createToken({ scope: 'read:directory' });
    const list = await listUsers(created.token);
    const write = await createUser(created.token);

    assert.equal(list.status, 200);
    assert.equal(write.status, 403);
    assert.equal(write.body.detail, 'write requests need the scope manage:directory');
  });

  test('token of another directory refused', async () => {
    const other = await createDirectory(server.context.storage, integrator.orgId, 'other-dir');
    const created = await createToken({}, other.id);
    const response = await listUsers(created.token);

    assert.equal(response.status, 403);
    assert.equal(response.body.detail, 'the API token belongs to another directory');
  });

  test('last use recorded', async () => {
    const created = await createToken();
    await listUsers(created.token);
    const listed = await adminRequest(server.url, 'GET', tokensPath());
    const token = listed.body.find((item: { id: string }) => item.id === created.id);

    assert.equal(typeof token.lastUsedAt, 'string');
  });

  test('revoked token refused at once', async () => {
    const created = await createToken();
    const revoked = await adminRequest(server.url, 'DELETE', `${tokensPath()}/${created.id}`);
    const response = await listUsers(created.token);

    assert.equal(revoked.status, 204);
    assert.equal(response.status, 401);
    assert.equal(response.body.detail, 'the API token is invalid, expired or revoked');
  });

  test('rotated token replaces the old text', async () => {
    const created = await createToken();
    const rotated = await adminRequest(server.url, 'POST', `${tokensPath()}/${created.id}/rotate`);
    const oldResponse = await listUsers(created.token);
    const newResponse = await listUsers(rotated.body.token);

    assert.equal(rotated.status, 200);
    assert.equal(rotated.body.id, created.id);
    assert.equal(oldResponse.status, 401);
    assert.equal(newResponse.status, 200);
  });

  test('expired token refused', async () => {
    const created = await createToken({ expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await server.context.storage.db
      .updateTable('directory_api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', created.id)
      .execute();
    const response = await listUsers(created.token);

    assert.equal(response.status, 401);
  });

  test('expiry in the past refused at creation', async () => {
    const response = await adminRequest(server.url, 'POST', tokensPath(), {
      name: 'old',
      scope: 'manage:directory',
      expiresAt: '2001-01-01T00:00:00Z',
    });

    assert.equal(response.status, 400);
    assert.equal(response.body.field, 'expiresAt');
  });

  test('unknown scope refused at creation', async () => {
    const response = await adminRequest(server.url, 'POST', tokensPath(), {
      name: 'x',
      scope: 'admin',
    });

    assert.equal(response.status, 400);
    assert.equal(response.body.field, 'scope');
  });

  test('forged secret refused', async () => {
    const created = await createToken();
    const forged = `${created.token.slice(0, 43)}${'A'.repeat(43)}`;
    const response = await listUsers(forged);

    assert.equal(response.status, 401);
  });

  test('token endpoint does not accept an API token', async () => {
    const created = await createToken();
    const result = await postRaw(server.url, 'grant_type=client_credentials', {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Bearer ${created.token}`,
    });

    assert.equal(result.status, 401);
    assert.equal(result.body.error, 'invalid_client');
  });
});
