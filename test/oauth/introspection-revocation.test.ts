import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { deleteGrant, findGrant } from '../../src/directory/grants.js';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient, signAssertion } from '../helpers/fixtures.js';
import { adminRequest, requestJson } from '../helpers/http.js';
import { startTestServer } from '../helpers/server.js';
import {
  assertionParams,
  assertTokenError,
  CLIENT_AUTH_FAILED,
  requestToken,
} from './token-requests.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describeEachDatabase('introspection and revocation', (database) => {
  let server: RunningServer;
  let integrator: ProvisionedClient;
  let other: ProvisionedClient;

  before(async () => {
    server = await startTestServer(database());
    integrator = await provisionClient(server.context.storage);
    other = await provisionClient(server.context.storage);
  });
  after(async () => {
    await server.close();
  });

  async function authParams(client = integrator): Promise<Record<string, string>> {
    const { grant_type: _grant, ...params } = assertionParams(
      await signAssertion(client.key, client.client.clientId, server.url),
    );
    return params;
  }

  async function accessToken(client = integrator): Promise<string> {
    const assertion = await signAssertion(client.key, client.client.clientId, server.url);
    const result = await requestToken(server.url, assertionParams(assertion));
    assert.equal(result.status, 200);
    return String(result.body.access_token);
  }

  async function post(path: string, params: Record<string, string>) {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams(params).toString(),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : undefined) as Record<string, unknown>,
    };
  }

  function listUsers(token: string, client = integrator) {
    return requestJson(`${server.url}/scim/directory/${client.directory.id}/Users`, { token });
  }

  test('active token introspected', async () => {
    const token = await accessToken();
    const result = await post('/oauth/introspect', { ...(await authParams()), token });

    assert.equal(result.status, 200);
    assert.equal(result.headers.get('cache-control'), 'no-store');
    assert.equal(result.body.active, true);
    assert.equal(result.body.client_id, integrator.client.clientId);
    assert.equal(result.body.scope, 'manage:directory');
    assert.equal(result.body.token_type, 'Bearer');
    assert.equal(result.body.iss, server.url);
    assert.equal(typeof result.body.exp, 'number');
  });

  test('garbage token inactive', async () => {
    const result = await post('/oauth/introspect', { ...(await authParams()), token: 'nonsense' });

    assert.equal(result.status, 200);
    assert.deepEqual(result.body, { active: false });
  });

  test("another client's token inactive", async () => {
    const token = await accessToken(other);
    const result = await post('/oauth/introspect', { ...(await authParams()), token });

    assert.deepEqual(result.body, { active: false });
  });

  test('introspection needs client authentication', async () => {
    const token = await accessToken();
    const result = await post('/oauth/introspect', { token });

    assert.equal(result.status, 401);
    assert.equal(result.body.error, 'invalid_client');
  });

  test('introspection needs a token', async () => {
    const result = await post('/oauth/introspect', await authParams());

    assertTokenError(result, 400, 'invalid_request', 'token is missing');
  });

  test('introspection with a bad assertion', async () => {
    const token = await accessToken();
    const params = await authParams();
    const result = await post('/oauth/introspect', {
      ...params,
      client_assertion: `${params.client_assertion}x`,
      token,
    });

    assertTokenError(result, 401, 'invalid_client', CLIENT_AUTH_FAILED);
  });

  test('revoked token refused by the SCIM API at once', async () => {
    const token = await accessToken();
    const before = await listUsers(token);
    const revoked = await post('/oauth/revoke', { ...(await authParams()), token });
    const afterwards = await listUsers(token);

    assert.equal(before.status, 200);
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body, undefined);
    assert.equal(afterwards.status, 401);
    assert.equal(afterwards.body.detail, 'the access token has been revoked');
  });

  test('revoked token introspected as inactive', async () => {
    const token = await accessToken();
    await post('/oauth/revoke', { ...(await authParams()), token });
    const result = await post('/oauth/introspect', { ...(await authParams()), token });

    assert.deepEqual(result.body, { active: false });
  });

  test('revoking twice answers 200', async () => {
    const token = await accessToken();
    const first = await post('/oauth/revoke', { ...(await authParams()), token });
    const second = await post('/oauth/revoke', { ...(await authParams()), token });

    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
  });

  test('revoking an invalid token answers 200', async () => {
    const result = await post('/oauth/revoke', { ...(await authParams()), token: 'nonsense' });

    assert.equal(result.status, 200);
  });

  test("another client's token not revoked", async () => {
    const token = await accessToken(other);
    const result = await post('/oauth/revoke', { ...(await authParams()), token });
    const stillValid = await listUsers(token, other);

    assert.equal(result.status, 200);
    assert.equal(stillValid.status, 200);
  });

  test('revocation needs client authentication', async () => {
    const token = await accessToken();
    const result = await post('/oauth/revoke', { token });
    const stillValid = await listUsers(token);

    assert.equal(result.status, 401);
    assert.equal(result.body.error, 'invalid_client');
    assert.equal(stillValid.status, 200);
  });

  test('deleted grant refused by the SCIM API at once', async () => {
    const scoped = await provisionClient(server.context.storage);
    const token = await accessToken(scoped);
    const grant = await findGrant(
      server.context.storage,
      scoped.directory.id,
      scoped.serviceAccount.id,
    );
    await deleteGrant(server.context.storage, scoped.orgId, scoped.directory.id, grant!.id);
    const response = await listUsers(token, scoped);

    assert.equal(response.status, 403);
  });

  test('disabled service account token inactive and refused', async () => {
    const disabled = await provisionClient(server.context.storage);
    const token = await accessToken(disabled);
    await server.context.storage.db
      .updateTable('service_accounts')
      .set({ disabled: 1 })
      .where('id', '=', disabled.serviceAccount.id)
      .execute();
    const response = await listUsers(token, disabled);

    assert.equal(response.status, 401);
  });

  test('disabled client refused at once and enabled again', async () => {
    const paused = await provisionClient(server.context.storage);
    const token = await accessToken(paused);
    const clientPath = `/orgs/${paused.orgId}/clients/${paused.client.clientId}`;

    const disabled = await adminRequest(server.url, 'POST', `${clientPath}/disable`);
    const refused = await listUsers(token, paused);
    const introspected = await post('/oauth/introspect', { ...(await authParams()), token });
    const assertion = await signAssertion(paused.key, paused.client.clientId, server.url);
    const newToken = await requestToken(server.url, assertionParams(assertion));

    assert.equal(disabled.status, 200);
    assert.deepEqual(disabled.body, { clientId: paused.client.clientId, disabled: true });
    assert.equal(refused.status, 401);
    assert.deepEqual(introspected.body, { active: false });
    assertTokenError(newToken, 401, 'invalid_client', CLIENT_AUTH_FAILED);

    await adminRequest(server.url, 'POST', `${clientPath}/enable`);
    assert.equal((await listUsers(token, paused)).status, 200);
  });
});
