import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { generateIntegratorKey } from '../helpers/fixtures.js';
import { adminRequest, requestJson } from '../helpers/http.js';
import { startTestServer, TEST_ADMIN_TOKEN } from '../helpers/server.js';

describeEachDatabase('admin API', (database) => {
  let server: RunningServer;
  let orgId: string;
  before(async () => {
    server = await startTestServer(database());
    const created = await adminRequest(server.url, 'POST', '/orgs', { name: 'acme' });
    orgId = created.body.id;
  });
  after(async () => {
    await server.close();
  });

  test('missing admin token is 401', async () => {
    const response = await requestJson(`${server.url}/admin/v1/orgs`);
    assert.equal(response.status, 401);
    assert.equal(response.body.error, 'unauthorized');
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="scimd-admin"');
  });

  test('wrong admin token is 401', async () => {
    const response = await requestJson(`${server.url}/admin/v1/orgs`, { token: 'not-the-token' });
    assert.equal(response.status, 401);
    assert.equal(response.body.message, 'the admin token is invalid');
  });

  test('organizations list includes default and created', async () => {
    const response = await adminRequest(server.url, 'GET', '/orgs');
    assert.equal(response.status, 200);
    const names = response.body.map((org: { name: string }) => org.name).sort();
    assert.deepEqual(names, ['acme', 'default']);
  });

  test('organization with a taken name is 409', async () => {
    const response = await adminRequest(server.url, 'POST', '/orgs', { name: 'acme' });
    assert.equal(response.status, 409);
    assert.equal(response.body.field, 'name');
  });

  test('organization without name is 400 naming it', async () => {
    const response = await adminRequest(server.url, 'POST', '/orgs', {});
    assert.equal(response.status, 400);
    assert.equal(response.body.error, 'invalid_field');
    assert.equal(response.body.field, 'name');
  });

  test('malformed JSON is 400', async () => {
    const response = await adminRequest(server.url, 'POST', '/orgs', '{"name":');
    assert.equal(response.status, 400);
    assert.equal(response.body.error, 'invalid_request');
  });

  test('form-encoded body is 415', async () => {
    const response = await requestJson(`${server.url}/admin/v1/orgs`, {
      method: 'POST',
      token: TEST_ADMIN_TOKEN,
      body: 'name=form-org',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(response.status, 415);
    assert.equal(response.body.error, 'invalid_request');
  });

  test('unknown field is 400 naming it', async () => {
    const response = await adminRequest(server.url, 'POST', '/orgs', { name: 'x', colour: 'red' });
    assert.equal(response.status, 400);
    assert.equal(response.body.field, 'colour');
  });

  test('unknown organization is 404', async () => {
    const response = await adminRequest(server.url, 'GET', '/orgs/no-such-org/service-accounts');
    assert.equal(response.status, 404);
    assert.equal(response.body.error, 'not_found');
  });

  test('service account lifecycle', async () => {
    const created = await adminRequest(server.url, 'POST', `/orgs/${orgId}/service-accounts`, {
      name: 'okta',
      description: 'Okta provisioning',
      role: 'user access admin',
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'okta');
    assert.equal(created.body.role, 'user access admin');
    assert.equal(created.body.disabled, false);

    const id = created.body.id;
    const one = await adminRequest(server.url, 'GET', `/orgs/${orgId}/service-accounts/${id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.description, 'Okta provisioning');

    const list = await adminRequest(server.url, 'GET', `/orgs/${orgId}/service-accounts`);
    assert.deepEqual(
      list.body.map((account: { id: string }) => account.id),
      [id],
    );

    const removed = await adminRequest(
      server.url,
      'DELETE',
      `/orgs/${orgId}/service-accounts/${id}`,
    );
    assert.equal(removed.status, 204);
    const gone = await adminRequest(server.url, 'GET', `/orgs/${orgId}/service-accounts/${id}`);
    assert.equal(gone.status, 404);
  });

  test('service account without role is 400', async () => {
    const response = await adminRequest(server.url, 'POST', `/orgs/${orgId}/service-accounts`, {
      name: 'no-role',
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.field, 'role');
  });

  test('credentials, keys, directory and grant', async () => {
    const account = await adminRequest(server.url, 'POST', `/orgs/${orgId}/service-accounts`, {
      name: 'entra',
      role: 'user access admin',
    });
    const accountId = account.body.id;

    const credentials = await adminRequest(
      server.url,
      'POST',
      `/orgs/${orgId}/service-accounts/${accountId}/credentials`,
      { name: 'entra-prod', scopes: ['manage:directory'] },
    );
    assert.equal(credentials.status, 201);
    assert.match(credentials.body.clientId, /^scimd-[0-9a-f]{24}$/);
    assert.deepEqual(credentials.body.scopes, ['manage:directory']);
    assert.equal(credentials.body.tokenEndpoint, `${server.url}/oauth/token`);
    const clientId = credentials.body.clientId;

    const key = await generateIntegratorKey('RS256', 'entra-1');
    const keys = await adminRequest(server.url, 'PUT', `/orgs/${orgId}/clients/${clientId}/keys`, {
      jwks: { keys: [key.publicJwk] },
    });
    assert.equal(keys.status, 200);
    assert.equal(keys.body.jwks.keys[0].kid, 'entra-1');
    assert.equal(keys.body.jwksUri, null);

    const directory = await adminRequest(server.url, 'POST', `/orgs/${orgId}/directories`, {
      name: 'apple_directory',
    });
    assert.equal(directory.status, 201);
    assert.equal(directory.body.scimBaseUrl, `${server.url}/scim/directory/${directory.body.id}`);

    const grant = await adminRequest(
      server.url,
      'POST',
      `/orgs/${orgId}/directories/${directory.body.id}/grants`,
      { serviceAccountId: accountId, role: 'manage' },
    );
    assert.equal(grant.status, 201);
    assert.equal(grant.body.serviceAccountId, accountId);

    const again = await adminRequest(
      server.url,
      'POST',
      `/orgs/${orgId}/directories/${directory.body.id}/grants`,
      { serviceAccountId: accountId, role: 'read' },
    );
    assert.equal(again.status, 409);

    const grants = await adminRequest(
      server.url,
      'GET',
      `/orgs/${orgId}/directories/${directory.body.id}/grants`,
    );
    assert.equal(grants.body.length, 1);

    const client = await adminRequest(server.url, 'GET', `/orgs/${orgId}/clients/${clientId}`);
    assert.equal(client.status, 200);
    assert.equal(client.body.serviceAccountId, accountId);

    const listed = await adminRequest(
      server.url,
      'GET',
      `/orgs/${orgId}/service-accounts/${accountId}/credentials`,
    );
    assert.deepEqual(
      listed.body.map((item: { clientId: string }) => item.clientId),
      [clientId],
    );

    const revoked = await adminRequest(
      server.url,
      'DELETE',
      `/orgs/${orgId}/directories/${directory.body.id}/grants/${grant.body.id}`,
    );
    assert.equal(revoked.status, 204);
    const deletedClient = await adminRequest(
      server.url,
      'DELETE',
      `/orgs/${orgId}/clients/${clientId}`,
    );
    assert.equal(deletedClient.status, 204);
    const missing = await adminRequest(server.url, 'GET', `/orgs/${orgId}/clients/${clientId}`);
    assert.equal(missing.status, 404);
  });

  test('unknown scope is 400 naming scopes', async () => {
    const account = await adminRequest(server.url, 'POST', `/orgs/${orgId}/service-accounts`, {
      name: 'scope-check',
      role: 'reader',
    });
    const response = await adminRequest(
      server.url,
      'POST',
      `/orgs/${orgId}/service-accounts/${account.body.id}/credentials`,
      { name: 'c', scopes: ['admin:everything'] },
    );
    assert.equal(response.status, 400);
    assert.equal(response.body.field, 'scopes');
  });

  test('keys reject private and symmetric keys', async () => {
    const account = await adminRequest(server.url, 'POST', `/orgs/${orgId}/service-accounts`, {
      name: 'key-check',
      role: 'reader',
    });
    const credentials = await adminRequest(
      server.url,
      'POST',
      `/orgs/${orgId}/service-accounts/${account.body.id}/credentials`,
      { name: 'c', scopes: ['read:directory'] },
    );
    const path = `/orgs/${orgId}/clients/${credentials.body.clientId}/keys`;

    const secret = await adminRequest(server.url, 'PUT', path, {
      jwks: { keys: [{ kty: 'oct', kid: 'k', k: 'c2VjcmV0' }] },
    });
    assert.equal(secret.status, 400);
    assert.equal(secret.body.field, 'jwks.keys[0].kty');

    const noKid = await generateIntegratorKey('ES256');
    const { kid: _kid, ...withoutKid } = noKid.publicJwk;
    const missingKid = await adminRequest(server.url, 'PUT', path, {
      jwks: { keys: [withoutKid] },
    });
    assert.equal(missingKid.status, 400);
    assert.equal(missingKid.body.field, 'jwks.keys[0].kid');

    const httpUri = await adminRequest(server.url, 'PUT', path, {
      jwksUri: 'http://idp.example.com/jwks.json',
    });
    assert.equal(httpUri.status, 400);
    assert.equal(httpUri.body.field, 'jwksUri');

    const empty = await adminRequest(server.url, 'PUT', path, {});
    assert.equal(empty.status, 400);

    const unchanged = await adminRequest(server.url, 'GET', path);
    assert.equal(unchanged.body.jwks, null);
  });

  test('grant for another org account is 404', async () => {
    const other = await adminRequest(server.url, 'POST', '/orgs', { name: 'other-org' });
    const foreign = await adminRequest(
      server.url,
      'POST',
      `/orgs/${other.body.id}/service-accounts`,
      {
        name: 'foreign',
        role: 'x',
      },
    );
    const directory = await adminRequest(server.url, 'POST', `/orgs/${orgId}/directories`, {
      name: 'guarded',
    });
    const response = await adminRequest(
      server.url,
      'POST',
      `/orgs/${orgId}/directories/${directory.body.id}/grants`,
      { serviceAccountId: foreign.body.id, role: 'manage' },
    );
    assert.equal(response.status, 404);
  });
});
