import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient } from '../helpers/fixtures.js';
import { adminRequest, requestJson } from '../helpers/http.js';
import { startTestServer } from '../helpers/server.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

describeEachDatabase('directory SCIM options', (database) => {
  let server: RunningServer;
  let integrator: ProvisionedClient;
  let accessToken: string;
  let optionsPath: string;

  before(async () => {
    server = await startTestServer(database());
    integrator = await provisionClient(server.context.storage);
    accessToken = await server.context.accessTokens.issue({
      clientId: integrator.client.clientId,
      serviceAccountId: integrator.serviceAccount.id,
      orgId: integrator.orgId,
      scopes: ['manage:directory'],
    });
    optionsPath = `/orgs/${integrator.orgId}/directories/${integrator.directory.id}/scim-options`;
  });
  after(async () => {
    await server.close();
  });

  function createUser(userName: string) {
    return requestJson(`${server.url}/scim/directory/${integrator.directory.id}/Users`, {
      method: 'POST',
      token: accessToken,
      body: { schemas: [USER_SCHEMA], userName, favouriteColour: 'teal' },
    });
  }

  test('lenient by default', async () => {
    const options = await adminRequest(server.url, 'GET', optionsPath);
    assert.equal(options.status, 200);
    assert.deepEqual(options.body, { strictSchema: false });

    const created = await createUser('lenient@example.com');
    assert.equal(created.status, 201);
    assert.equal(created.body.favouriteColour, undefined);
  });

  test('strict mode rejects unknown attributes', async () => {
    const updated = await adminRequest(server.url, 'PUT', optionsPath, { strictSchema: true });
    assert.equal(updated.status, 200);
    assert.deepEqual(updated.body, { strictSchema: true });

    const rejected = await createUser('strict@example.com');
    assert.equal(rejected.status, 400);
    assert.equal(rejected.body.scimType, 'invalidSyntax');
  });

  test('invalid strictSchema is 400 naming it', async () => {
    const response = await adminRequest(server.url, 'PUT', optionsPath, { strictSchema: 'yes' });
    assert.equal(response.status, 400);
    assert.equal(response.body.field, 'strictSchema');
  });

  test('other organization directory is 404', async () => {
    const other = await adminRequest(server.url, 'POST', '/orgs', { name: 'options-other' });
    const response = await adminRequest(
      server.url,
      'GET',
      `/orgs/${other.body.id}/directories/${integrator.directory.id}/scim-options`,
    );
    assert.equal(response.status, 404);
  });
});
