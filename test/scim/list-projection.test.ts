import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.js';
import { baseUrl, newUser, scim, useScimServer } from './scim-client.js';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

describeEachDatabase('SCIM list projections', (database) => {
  const fixture = useScimServer(database);
  const groups = () => `${baseUrl(fixture.server, fixture.provisioned.directory.id)}/Groups`;
  let userId = '';

  before(async () => {
    const user = await scim(fixture.users, {
      token: fixture.token,
      body: newUser('projected', {
        displayName: 'Projected User',
        password: 'Secret-1',
        emails: [{ value: 'p@example.com', type: 'work' }],
        name: { givenName: 'Pro', familyName: 'Jected' },
      }),
    });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    userId = user.body.id;
    const group = await scim(groups(), {
      token: fixture.token,
      body: { schemas: [GROUP_SCHEMA], displayName: 'Projected', members: [{ value: userId }] },
    });
    assert.equal(group.status, 201);
  });

  const firstUser = async (query: string) => {
    const response = await scim(`${fixture.users}?${query}`, { token: fixture.token });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.Resources[0];
  };

  test('attributes keeps named and always-returned', async () => {
    const user = await firstUser('attributes=userName,name.givenName');
    assert.deepEqual(Object.keys(user).sort(), ['id', 'name', 'schemas', 'userName']);
    assert.deepEqual(user.name, { givenName: 'Pro' });
  });

  test('excludedAttributes drops the named ones', async () => {
    const user = await firstUser('excludedAttributes=emails,name');
    assert.equal(user.emails, undefined);
    assert.equal(user.name, undefined);
    assert.equal(user.displayName, 'Projected User');
    assert.equal(user.meta.resourceType, 'User');
  });

  test('excluding id keeps it', async () => {
    const user = await firstUser('excludedAttributes=id');
    assert.equal(user.id, userId);
  });

  test('password is never listed', async () => {
    for (const query of ['', 'attributes=password', 'attributes=userName,password']) {
      const user = await firstUser(query);
      assert.equal(user.password, undefined, query);
    }
  });

  test('list shows groups of users', async () => {
    const user = await firstUser('attributes=groups');
    assert.equal(user.groups[0].display, 'Projected');
  });

  test('group list excludes members', async () => {
    const response = await scim(`${groups()}?excludedAttributes=members`, { token: fixture.token });
    assert.equal(response.body.Resources[0].displayName, 'Projected');
    assert.equal(response.body.Resources[0].members, undefined);
  });

  test('group list includes members by default', async () => {
    const response = await scim(groups(), { token: fixture.token });
    assert.equal(response.body.Resources[0].members[0].value, userId);
  });

  test('both projections on a list are 400', async () => {
    const response = await scim(`${fixture.users}?attributes=userName&excludedAttributes=emails`, {
      token: fixture.token,
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidSyntax');
  });
});
