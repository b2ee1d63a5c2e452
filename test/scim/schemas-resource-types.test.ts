import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.js';
import { baseUrl, ERROR_SCHEMA, SCIM_CONTENT_TYPE, scim, useScimServer } from './scim-client.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describeEachDatabase('SCIM schemas and resource types', (database) => {
  const fixture = useScimServer(database, { scopes: ['read:directory'] });
  const base = () => baseUrl(fixture.server, fixture.provisioned.directory.id);

  test('Schemas lists User, enterprise User and Group', async () => {
    const response = await scim(`${base()}/Schemas`, { token: fixture.token });

    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), SCIM_CONTENT_TYPE);
    assert.equal(response.body.totalResults, 3);
    assert.deepEqual(
      response.body.Resources.map((schema: { id: string }) => schema.id),
      [
        'urn:ietf:params:scim:schemas:core:2.0:User',
        ENTERPRISE,
        'urn:ietf:params:scim:schemas:core:2.0:Group',
      ],
    );
  });

  test('Schemas by URN publishes every characteristic', async () => {
    const response = await scim(`${base()}/Schemas/urn:ietf:params:scim:schemas:core:2.0:User`, {
      token: fixture.token,
    });

    assert.equal(response.status, 200);
    const userName = response.body.attributes.find((a: { name: string }) => a.name === 'userName');
    assert.deepEqual(userName, {
      name: 'userName',
      type: 'string',
      multiValued: false,
      description: 'Unique identifier for the User, unique within the directory, case-insensitive.',
      required: true,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'server',
    });
    const password = response.body.attributes.find((a: { name: string }) => a.name === 'password');
    assert.equal(password.mutability, 'writeOnly');
    assert.equal(password.returned, 'never');
    assert.equal(
      response.body.meta.location,
      `${base()}/Schemas/urn:ietf:params:scim:schemas:core:2.0:User`,
    );
  });

  test('Schemas by unknown URN is 404', async () => {
    const response = await scim(`${base()}/Schemas/urn:example:nothing`, { token: fixture.token });
    assert.equal(response.status, 404);
    assert.deepEqual(response.body.schemas, [ERROR_SCHEMA]);
  });

  test('ResourceTypes lists User and Group with extensions', async () => {
    const response = await scim(`${base()}/ResourceTypes`, { token: fixture.token });

    assert.equal(response.status, 200);
    assert.equal(response.body.totalResults, 2);
    const [user, group] = response.body.Resources;
    assert.equal(user.endpoint, '/Users');
    assert.deepEqual(user.schemaExtensions, [{ schema: ENTERPRISE, required: false }]);
    assert.equal(group.endpoint, '/Groups');
    assert.equal(group.schema, 'urn:ietf:params:scim:schemas:core:2.0:Group');
  });

  test('ResourceTypes by name answers the resource type', async () => {
    const response = await scim(`${base()}/ResourceTypes/Group`, { token: fixture.token });

    assert.equal(response.status, 200);
    assert.equal(response.body.id, 'Group');
    assert.equal(response.body.meta.location, `${base()}/ResourceTypes/Group`);
  });

  test('ResourceTypes with a filter is 403', async () => {
    const response = await scim(`${base()}/ResourceTypes?filter=x`, { token: fixture.token });
    assert.equal(response.status, 403);
  });

  test('wrong method on a resource is 405 with Allow', async () => {
    const response = await scim(`${base()}/Users`, { token: fixture.token, method: 'DELETE' });

    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET, POST');
    assert.deepEqual(response.body.schemas, [ERROR_SCHEMA]);
    assert.equal(response.body.status, '405');
  });

  test('wrong method on a discovery endpoint is 405', async () => {
    const response = await scim(`${base()}/Schemas`, { token: fixture.token, body: {} });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET');
  });
});
