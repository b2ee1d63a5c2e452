import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  type ProvisionedClient,
  provisionClient,
  serveJwks,
  signAssertion,
} from '../helpers/fixtures.js';
import { adminRequest, requestJson } from '../helpers/http.js';
import { startTestServer } from '../helpers/server.js';
import { assertionParams, requestToken } from '../oauth/token-requests.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

describeEachDatabase('admin routes the console uses', (database) => {
  let server: RunningServer;
  let setup: ProvisionedClient;
  let accessToken: string;

  const getToken = async () => {
    const assertion = await signAssertion(setup.key, setup.client.clientId, server.url);
    return requestToken(server.url, assertionParams(assertion, { scope: 'manage:directory' }));
  };
  const createUser = (userName: string) =>
    requestJson(`${server.url}/scim/directory/${setup.directory.id}/Users`, {
      method: 'POST',
      token: accessToken,
      headers: { 'content-type': 'application/scim+json' },
      body: { schemas: [USER_SCHEMA], userName },
    });
  const orgPath = () => `/orgs/${setup.orgId}`;

  before(async () => {
    server = await startTestServer(database());
    setup = await provisionClient(server.context.storage);
    accessToken = String((await getToken()).body.access_token);
  });
  after(async () => {
    await server.close();
  });

  test('disabling a service account refuses its tokens and new token requests', async () => {
    const path = `${orgPath()}/service-accounts/${setup.serviceAccount.id}`;

    const disabled = await adminRequest(server.url, 'POST', `${path}/disable`);
    const scim = await createUser('while-disabled@example.com');
    const token = await getToken();

    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.disabled, true);
    assert.equal(scim.status, 401);
    assert.equal(token.status, 401);
    assert.equal(token.body.error, 'invalid_client');
  });

  test('enabling the service account again restores access', async () => {
    const path = `${orgPath()}/service-accounts/${setup.serviceAccount.id}`;

    const enabled = await adminRequest(server.url, 'POST', `${path}/enable`);
    const scim = await createUser('after-enable@example.com');

    assert.equal(enabled.status, 200);
    assert.equal(enabled.body.disabled, false);
    assert.equal(scim.status, 201);
  });

  test('stopping provisioning refuses SCIM requests with 403', async () => {
    const path = `${orgPath()}/directories/${setup.directory.id}/provisioning`;

    const stopped = await adminRequest(server.url, 'POST', `${path}/stop`);
    const scim = await createUser('while-stopped@example.com');

    assert.equal(stopped.status, 200);
    assert.equal(stopped.body.provisioningStopped, true);
    assert.equal(scim.status, 403);
    assert.equal(scim.body.detail, 'an admin has stopped provisioning into this directory');
  });

  test('resuming provisioning accepts SCIM requests again', async () => {
    const path = `${orgPath()}/directories/${setup.directory.id}/provisioning`;

    const resumed = await adminRequest(server.url, 'POST', `${path}/resume`);
    const scim = await createUser('after-resume@example.com');

    assert.equal(resumed.status, 200);
    assert.equal(resumed.body.provisioningStopped, false);
    assert.equal(scim.status, 201);
  });

  test('stopping provisioning of an unknown directory is 404', async () => {
    const response = await adminRequest(
      server.url,
      'POST',
      `${orgPath()}/directories/00000000-0000-0000-0000-000000000000/provisioning/stop`,
    );

    assert.equal(response.status, 404);
    assert.equal(response.body.error, 'not_found');
  });

  test('directory users list with a filter and paging', async () => {
    const path = `${orgPath()}/directories/${setup.directory.id}/users`;

    const all = await adminRequest(server.url, 'GET', `${path}?count=1`);
    const filtered = await adminRequest(
      server.url,
      'GET',
      `${path}?filter=${encodeURIComponent('userName eq "after-resume@example.com"')}`,
    );

    assert.equal(all.status, 200);
    assert.equal(all.body.totalResults, 2);
    assert.equal(all.body.itemsPerPage, 1);
    assert.equal(filtered.body.totalResults, 1);
    assert.equal(filtered.body.Resources[0].userName, 'after-resume@example.com');
  });

  test('directory users with a bad filter is 400 naming filter', async () => {
    const path = `${orgPath()}/directories/${setup.directory.id}/users`;

    const response = await adminRequest(
      server.url,
      'GET',
      `${path}?filter=${encodeURIComponent('userName eq')}`,
    );

    assert.equal(response.status, 400);
    assert.equal(response.body.error, 'invalid_field');
    assert.equal(response.body.field, 'filter');
  });

  test('a directory user opens by id; an unknown id is 404', async () => {
    const path = `${orgPath()}/directories/${setup.directory.id}/users`;
    const list = await adminRequest(server.url, 'GET', path);
    const id = list.body.Resources[0].id;

    const found = await adminRequest(server.url, 'GET', `${path}/${id}`);
    const missing = await adminRequest(
      server.url,
      'GET',
      `${path}/00000000-0000-0000-0000-000000000000`,
    );

    assert.equal(found.status, 200);
    assert.equal(found.body.id, id);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'not_found');
  });

  test('directory groups list, and a group and user show memberships', async () => {
    const base = `${orgPath()}/directories/${setup.directory.id}`;
    const users = await adminRequest(server.url, 'GET', `${base}/users`);
    const userId = users.body.Resources[0].id;
    const created = await requestJson(`${server.url}/scim/directory/${setup.directory.id}/Groups`, {
      method: 'POST',
      token: accessToken,
      headers: { 'content-type': 'application/scim+json' },
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Engineering',
        members: [{ value: userId }],
      },
    });

    const groups = await adminRequest(server.url, 'GET', `${base}/groups`);
    const group = await adminRequest(server.url, 'GET', `${base}/groups/${created.body.id}`);
    const user = await adminRequest(server.url, 'GET', `${base}/users/${userId}`);

    assert.equal(created.status, 201);
    assert.equal(groups.body.totalResults, 1);
    assert.equal(groups.body.Resources[0].displayName, 'Engineering');
    assert.equal(group.body.members[0].value, userId);
    assert.equal(user.body.groups[0].value, created.body.id);
    assert.equal(user.body.groups[0].display, 'Engineering');
  });

  test('another organization cannot read the directory users', async () => {
    const other = await provisionClient(server.context.storage);

    const response = await adminRequest(
      server.url,
      'GET',
      `/orgs/${other.orgId}/directories/${setup.directory.id}/users`,
    );

    assert.equal(response.status, 404);
  });

  test('remote keys without a JWKS URL is 400 naming jwksUri', async () => {
    const response = await adminRequest(
      server.url,
      'GET',
      `${orgPath()}/clients/${setup.client.clientId}/keys/remote`,
    );

    assert.equal(response.status, 400);
    assert.equal(response.body.field, 'jwksUri');
  });

  test('remote keys shows the public members of the keys at the JWKS URL', async () => {
    const jwks = await serveJwks([setup.key.publicJwk]);
    try {
      const keysPath = `${orgPath()}/clients/${setup.client.clientId}/keys`;
      await adminRequest(server.url, 'PUT', keysPath, { jwksUri: jwks.url });

      const response = await adminRequest(server.url, 'GET', `${keysPath}/remote`);

      assert.equal(response.status, 200);
      assert.deepEqual(response.body, {
        jwksUri: jwks.url,
        keys: [{ kid: setup.key.kid, kty: 'RSA', alg: 'RS256', use: 'sig' }],
      });
    } finally {
      await jwks.close();
    }
  });
});
