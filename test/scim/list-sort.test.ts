import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.js';
import { baseUrl, newUser, scim, USER_SCHEMA, useScimServer } from './scim-client.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

describeEachDatabase('SCIM list sorting', (database) => {
  const fixture = useScimServer(database);
  /** User ids by userName, created in this order so that ids ascend alice, Bob, carol, dave. */
  const ids: Record<string, string> = {};

  before(async () => {
    const users = [
      newUser('alice', {
        schemas: [USER_SCHEMA, ENTERPRISE],
        displayName: 'beta',
        externalId: 'b',
        name: { familyName: 'Zed' },
        [ENTERPRISE]: { employeeNumber: '20' },
      }),
      newUser('Bob', {
        schemas: [USER_SCHEMA, ENTERPRISE],
        displayName: 'Alpha',
        externalId: 'A',
        name: { familyName: 'apple' },
        [ENTERPRISE]: { employeeNumber: '10' },
      }),
      newUser('carol', { externalId: 'a' }),
      newUser('dave', { displayName: 'alpha' }),
    ];
    for (const body of users) {
      const response = await scim(fixture.users, { token: fixture.token, body });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      ids[body.userName] = response.body.id;
    }
  });

  const list = (query: string) => scim(`${fixture.users}?${query}`, { token: fixture.token });
  const sortedNames = async (query: string) => {
    const response = await list(query);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.Resources.map((user: { userName: string }) => user.userName);
  };

  test('userName sorts case-insensitively', async () => {
    assert.deepEqual(await sortedNames('sortBy=userName'), ['alice', 'Bob', 'carol', 'dave']);
  });

  test('descending reverses userName order', async () => {
    const names = await sortedNames('sortBy=userName&sortOrder=descending');
    assert.deepEqual(names, ['dave', 'carol', 'Bob', 'alice']);
  });

  test('sortOrder is case-insensitive', async () => {
    const names = await sortedNames('sortBy=userName&sortOrder=DESCENDING');
    assert.deepEqual(names, ['dave', 'carol', 'Bob', 'alice']);
  });

  test('sortBy name is case-insensitive', async () => {
    assert.deepEqual(await sortedNames('sortBy=USERNAME'), ['alice', 'Bob', 'carol', 'dave']);
  });

  test('externalId sorts case-exactly, missing last', async () => {
    assert.deepEqual(await sortedNames('sortBy=externalId'), ['Bob', 'carol', 'alice', 'dave']);
  });

  test('descending puts missing values first', async () => {
    const names = await sortedNames('sortBy=externalId&sortOrder=descending');
    assert.deepEqual(names, ['dave', 'alice', 'carol', 'Bob']);
  });

  test('equal values tie-break by id', async () => {
    // Bob's "Alpha" and dave's "alpha" are equal case-insensitively; Bob has the lower id.
    assert.deepEqual(await sortedNames('sortBy=displayName'), ['Bob', 'dave', 'alice', 'carol']);
  });

  test('descending tie-break reverses id order', async () => {
    const names = await sortedNames('sortBy=displayName&sortOrder=descending');
    assert.deepEqual(names, ['carol', 'alice', 'dave', 'Bob']);
  });

  test('sub-attribute sorts case-insensitively', async () => {
    const names = await sortedNames('sortBy=name.familyName');
    assert.deepEqual(names, ['Bob', 'alice', 'carol', 'dave']);
  });

  test('extension attribute sorts by URN path', async () => {
    const names = await sortedNames(`sortBy=${ENTERPRISE}:employeeNumber`);
    assert.deepEqual(names, ['Bob', 'alice', 'carol', 'dave']);
  });

  test('meta.created descending is newest first', async () => {
    const names = await sortedNames('sortBy=meta.created&sortOrder=descending');
    assert.deepEqual(names, ['dave', 'carol', 'Bob', 'alice']);
  });

  test('no sortBy orders by id', async () => {
    const response = await list('');
    const listed = response.body.Resources.map((user: { id: string }) => user.id);
    assert.deepEqual(listed, [ids.alice, ids.Bob, ids.carol, ids.dave]);
  });

  test('sorted page honours startIndex and count', async () => {
    const response = await list('sortBy=userName&sortOrder=descending&startIndex=2&count=2');
    assert.equal(response.body.totalResults, 4);
    assert.equal(response.body.startIndex, 2);
    assert.equal(response.body.itemsPerPage, 2);
    const names = response.body.Resources.map((user: { userName: string }) => user.userName);
    assert.deepEqual(names, ['carol', 'Bob']);
  });

  test('cursor walk matches index order', async () => {
    // One user per page, so that every page boundary falls on a value, a tie or a missing value.
    for (const sort of [
      'sortBy=externalId',
      'sortBy=externalId&sortOrder=descending',
      'sortBy=displayName',
      'sortBy=displayName&sortOrder=descending',
      `sortBy=${ENTERPRISE}:employeeNumber&sortOrder=descending`,
    ]) {
      const walked: string[] = [];
      let cursor = '';
      for (let page = 0; page < 10; page += 1) {
        const response = await list(`${sort}&count=1&cursor=${encodeURIComponent(cursor)}`);
        assert.equal(response.status, 200, JSON.stringify(response.body));
        walked.push(...response.body.Resources.map((user: { userName: string }) => user.userName));
        if (response.body.nextCursor === undefined) break;
        cursor = response.body.nextCursor;
      }
      assert.deepEqual(walked, await sortedNames(sort), sort);
    }
  });

  test('invalid sortOrder is 400 invalidValue', async () => {
    const response = await list('sortBy=userName&sortOrder=up');
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.equal(response.body.detail, 'sortOrder "up" is invalid; use ascending or descending');
  });

  test('multi-valued sortBy is 400 invalidValue', async () => {
    const response = await list('sortBy=emails.value');
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.equal(
      response.body.detail,
      'sortBy emails.value is multi-valued; sort by a singular attribute',
    );
  });

  test('complex sortBy is 400 invalidValue', async () => {
    const response = await list('sortBy=name');
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.equal(response.body.detail, 'sortBy name is complex; sort by one of its sub-attributes');
  });

  test('unknown sortBy is 400 naming it', async () => {
    const response = await list('sortBy=shoeSize');
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.equal(response.body.detail, 'sortBy shoeSize is not an attribute of User');
  });

  test('password sortBy is 400 invalidValue', async () => {
    const response = await list('sortBy=password');
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.equal(
      response.body.detail,
      'sortBy password is never returned, so it cannot be sorted by',
    );
  });

  test('computed meta sortBy is 400 invalidValue', async () => {
    const response = await list('sortBy=meta.location');
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.equal(
      response.body.detail,
      'sortBy meta.location is not supported; sort by meta.created or meta.lastModified',
    );
  });

  test('empty sortBy is 400 invalidValue', async () => {
    const response = await list('sortBy=');
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
  });

  test('sortBy on a single resource is 400', async () => {
    const response = await scim(`${fixture.users}/${ids.alice}?sortBy=userName`, {
      token: fixture.token,
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.equal(response.body.detail, 'the sortBy query parameter applies only to lists');
  });

  test('groups sort by displayName descending', async () => {
    const groups = `${baseUrl(fixture.server, fixture.provisioned.directory.id)}/Groups`;
    for (const displayName of ['b-team', 'A-team', 'c-team']) {
      const created = await scim(groups, {
        token: fixture.token,
        body: { schemas: [GROUP_SCHEMA], displayName },
      });
      assert.equal(created.status, 201);
    }
    const response = await scim(`${groups}?sortBy=displayName&sortOrder=descending`, {
      token: fixture.token,
    });
    assert.equal(response.status, 200);
    const names = response.body.Resources.map(
      (group: { displayName: string }) => group.displayName,
    );
    assert.deepEqual(names, ['c-team', 'b-team', 'A-team']);
  });
});
