import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient, signAssertion } from '../helpers/fixtures.js';
import { adminRequest } from '../helpers/http.js';
import { startTestServer } from '../helpers/server.js';
import {
  assertClientAuthFailure,
  assertionParams,
  assertTokenError,
  CLIENT_AUTH_FAILED,
  captureLogs,
  postRaw,
  requestToken,
} from './token-requests.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const BASIC_CHALLENGE = 'Basic realm="scimd", charset="UTF-8"';

function basic(clientId: string, secret: string): string {
  const pair = `${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}

describeEachDatabase('client secrets', (database) => {
  let server: RunningServer;
  let integrator: ProvisionedClient;
  const logs = captureLogs();

  before(async () => {
    server = await startTestServer(database(), {}, logs.logger);
    integrator = await provisionClient(server.context.storage);
  });
  after(async () => {
    await server.close();
  });

  /** Creates a client with a secret through the admin API. */
  async function secretClient(method = 'client_secret_basic') {
    const response = await adminRequest(
      server.url,
      'POST',
      `/orgs/${integrator.orgId}/service-accounts/${integrator.serviceAccount.id}/secret-credentials`,
      { name: 'okta', scopes: ['manage:directory'], tokenEndpointAuthMethod: method },
    );
    assert.equal(response.status, 201);
    return response.body as { clientId: string; clientSecret: string };
  }

  function basicToken(clientId: string, secret: string) {
    return postRaw(server.url, 'grant_type=client_credentials', {
      ...FORM,
      authorization: basic(clientId, secret),
    });
  }

  test('created client shows its secret once', async () => {
    const created = await secretClient();
    const read = await adminRequest(
      server.url,
      'GET',
      `/orgs/${integrator.orgId}/clients/${created.clientId}`,
    );

    assert.equal(created.clientSecret.length, 43);
    assert.equal(JSON.stringify(read.body).includes(created.clientSecret), false);
  });

  test('secret stored as a salted hash', async () => {
    const created = await secretClient();
    const row = await server.context.storage.db
      .selectFrom('oauth_client_auth')
      .selectAll()
      .where('client_id', '=', created.clientId)
      .executeTakeFirstOrThrow();

    assert.equal(row.method, 'client_secret_basic');
    assert.match(row.secret_hash ?? '', /^s256\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.equal(row.secret_hash?.includes(created.clientSecret), false);
  });

  test('client_secret_basic token', async () => {
    const created = await secretClient();
    const result = await basicToken(created.clientId, created.clientSecret);

    assert.equal(result.status, 200);
    assert.equal(result.body.token_type, 'Bearer');
    assert.equal(result.body.scope, 'manage:directory');
  });

  test('client_secret_post token', async () => {
    const created = await secretClient('client_secret_post');
    const result = await requestToken(server.url, {
      grant_type: 'client_credentials',
      client_id: created.clientId,
      client_secret: created.clientSecret,
    });

    assert.equal(result.status, 200);
    assert.equal(result.body.token_type, 'Bearer');
  });

  test('wrong secret with Basic gets a challenge', async () => {
    const created = await secretClient();
    const result = await basicToken(created.clientId, `${created.clientSecret.slice(1)}x`);

    assertClientAuthFailure(result, logs, 'the client secret does not match');
    assert.equal(result.headers.get('www-authenticate'), BASIC_CHALLENGE);
  });

  test('wrong secret in the body has no challenge', async () => {
    const created = await secretClient('client_secret_post');
    const result = await requestToken(server.url, {
      grant_type: 'client_credentials',
      client_id: created.clientId,
      client_secret: 'not-the-secret',
    });

    assertClientAuthFailure(result, logs, 'the client secret does not match');
    assert.equal(result.headers.get('www-authenticate'), null);
  });

  test('post to a Basic client is a method mismatch', async () => {
    const created = await secretClient('client_secret_basic');
    const result = await requestToken(server.url, {
      grant_type: 'client_credentials',
      client_id: created.clientId,
      client_secret: created.clientSecret,
    });

    assertClientAuthFailure(
      result,
      logs,
      'the client is registered for client_secret_basic, not client_secret_post (token_endpoint_auth_method mismatch)',
    );
  });

  test('assertion from a secret client is a method mismatch', async () => {
    const created = await secretClient();
    const assertion = await signAssertion(integrator.key, created.clientId, server.url);
    const result = await requestToken(server.url, assertionParams(assertion));

    assertClientAuthFailure(
      result,
      logs,
      'the client is registered for client_secret_basic, not private_key_jwt (token_endpoint_auth_method mismatch)',
    );
  });

  test('secret for a key client is a method mismatch', async () => {
    const result = await basicToken(integrator.client.clientId, 'guess');

    assertClientAuthFailure(
      result,
      logs,
      'the client is registered for private_key_jwt, not client_secret_basic (token_endpoint_auth_method mismatch)',
    );
    assert.equal(result.headers.get('www-authenticate'), BASIC_CHALLENGE);
  });

  test('rotated secret replaces the old one', async () => {
    const created = await secretClient();
    const rotated = await adminRequest(
      server.url,
      'POST',
      `/orgs/${integrator.orgId}/clients/${created.clientId}/secret`,
      { tokenEndpointAuthMethod: 'client_secret_basic' },
    );
    const oldResult = await basicToken(created.clientId, created.clientSecret);
    const newResult = await basicToken(created.clientId, rotated.body.clientSecret);

    assert.equal(rotated.status, 201);
    assert.notEqual(rotated.body.clientSecret, created.clientSecret);
    assertClientAuthFailure(oldResult, logs, 'the client secret does not match');
    assert.equal(newResult.status, 200);
  });

  test('secret refused for a client with keys', async () => {
    const response = await adminRequest(
      server.url,
      'POST',
      `/orgs/${integrator.orgId}/clients/${integrator.client.clientId}/secret`,
      {},
    );

    assert.equal(response.status, 409);
    assert.equal(
      response.body.message,
      'the client authenticates with registered keys (private_key_jwt); delete its keys before giving it a secret',
    );
  });

  test('unknown secret method named', async () => {
    const response = await adminRequest(
      server.url,
      'POST',
      `/orgs/${integrator.orgId}/service-accounts/${integrator.serviceAccount.id}/secret-credentials`,
      { name: 'x', scopes: ['manage:directory'], tokenEndpointAuthMethod: 'client_secret_jwt' },
    );

    assert.equal(response.status, 400);
    assert.equal(response.body.field, 'tokenEndpointAuthMethod');
  });

  test('removed secret stops working', async () => {
    const created = await secretClient();
    const removed = await adminRequest(
      server.url,
      'DELETE',
      `/orgs/${integrator.orgId}/clients/${created.clientId}/secret`,
    );
    const result = await basicToken(created.clientId, created.clientSecret);

    assert.equal(removed.status, 204);
    assertClientAuthFailure(
      result,
      logs,
      'the client is registered for private_key_jwt, not client_secret_basic (token_endpoint_auth_method mismatch)',
    );
  });

  test('malformed Basic credentials', async () => {
    const result = await postRaw(server.url, 'grant_type=client_credentials', {
      ...FORM,
      authorization: `Basic ${Buffer.from('no-colon').toString('base64')}`,
    });

    assertTokenError(
      result,
      401,
      'invalid_client',
      'the Authorization header must carry Basic base64(client_id:client_secret)',
    );
    assert.equal(result.headers.get('www-authenticate'), BASIC_CHALLENGE);
  });

  test('Basic and client_secret together', async () => {
    const created = await secretClient();
    const result = await postRaw(
      server.url,
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: created.clientId,
        client_secret: created.clientSecret,
      }).toString(),
      { ...FORM, authorization: basic(created.clientId, created.clientSecret) },
    );

    assertTokenError(
      result,
      400,
      'invalid_request',
      'the request must use exactly one client authentication method',
    );
  });

  test('disabled service account of a secret client', async () => {
    const other = await provisionClient(server.context.storage);
    const response = await adminRequest(
      server.url,
      'POST',
      `/orgs/${other.orgId}/service-accounts/${other.serviceAccount.id}/secret-credentials`,
      { name: 'entra', scopes: ['manage:directory'] },
    );
    await server.context.storage.db
      .updateTable('service_accounts')
      .set({ disabled: 1 })
      .where('id', '=', other.serviceAccount.id)
      .execute();
    const result = await basicToken(response.body.clientId, response.body.clientSecret);

    assertClientAuthFailure(result, logs, 'the service account of this client is disabled');
    assert.equal(result.body.error_description, CLIENT_AUTH_FAILED);
  });

  test('client shows its authentication method', async () => {
    const created = await secretClient('client_secret_post');
    const read = await adminRequest(
      server.url,
      'GET',
      `/orgs/${integrator.orgId}/clients/${created.clientId}`,
    );

    assert.equal(read.body.tokenEndpointAuthMethod, 'client_secret_post');
  });

  test('keys refused for a secret client', async () => {
    const created = await secretClient();
    const response = await adminRequest(
      server.url,
      'PUT',
      `/orgs/${integrator.orgId}/clients/${created.clientId}/keys`,
      { jwks: { keys: [integrator.key.publicJwk] } },
    );

    assert.equal(response.status, 409);
    assert.equal(
      response.body.message,
      'the client authenticates with a client secret; delete its secret before registering keys',
    );
  });
});
