import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.js';
import { baseUrl, newUser, scim, useScimServer } from './scim-client.js';

const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const searchOf = (fields: Record<string, unknown> = {}) => ({
  schemas: [SEARCH_REQUEST],
  ...fields,
});

describeEachDatabase('SCIM POST searches', (database) => {
  const fixture = useScimServer(database);
  const base = () => baseUrl(fixture.server, fixture.provisioned.directory.id);
  const search = (path: string, body: unknown) =>
    scim(`${base()}${path}`, { token: fixture.token, method: 'POST', body });
  /** Ids by userName or group displayName. */
  const ids: Record<string, string> = {};

  before(async () => {
    for (const [userName, displayName] of [
      ['amy', 'Delta'],
      ['ben', 'bravo'],
      ['cat', undefined],
    ] as const) {
      const response = await scim(fixture.users, {
        token: fixture.token,
        body: newUser(userName, { ...(displayName ? { displayName } : {}), password: 'Secret-1' }),
      });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      ids[userName] = response.body.id;
    }
    for (const displayName of ['charlie', 'Alpha']) {
      const response = await scim(`${base()}/Groups`, {
        token: fixture.token,
        body: { schemas: [GROUP_SCHEMA], displayName, members: [{ value: ids.amy }] },
      });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      ids[displayName] = response.body.id;
    }
  });

  const namesOf = (body: { Resources: { userName?: string; displayName?: string }[] }) =>
    body.Resources.map((resource) => resource.userName ?? resource.displayName);
  /** Labels resources by displayName, else userName, for searches sorted by displayName. */
  const labelsOf = (body: { Resources: { userName?: string; displayName?: string }[] }) =>
    body.Resources.map((resource) => resource.displayName ?? resource.userName);

  test('Users search filters, sorts and pages', async () => {
    const response = await search(
      '/Users/.search',
      searchOf({ sortBy: 'userName', sortOrder: 'descending', startIndex: 2, count: 1 }),
    );
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.schemas, [LIST_RESPONSE]);
    assert.equal(response.body.totalResults, 3);
    assert.equal(response.body.startIndex, 2);
    assert.deepEqual(namesOf(response.body), ['ben']);
  });

  test('Users search applies the filter', async () => {
    const response = await search('/Users/.search', searchOf({ filter: 'userName eq "CAT"' }));
    assert.equal(response.status, 200);
    assert.equal(response.body.totalResults, 1);
    assert.equal(response.body.Resources[0].id, ids.cat);
  });

  test('Users search projects attributes', async () => {
    const response = await search(
      '/Users/.search',
      searchOf({ attributes: ['userName'], filter: 'userName eq "amy"' }),
    );
    const [user] = response.body.Resources;
    assert.equal(user.userName, 'amy');
    assert.equal(user.id, ids.amy);
    assert.equal(user.displayName, undefined);
    assert.equal(user.meta, undefined);
  });

  test('Groups search excludes members', async () => {
    const response = await search(
      '/Groups/.search',
      searchOf({ excludedAttributes: ['members'], sortBy: 'displayName' }),
    );
    assert.equal(response.status, 200);
    assert.deepEqual(namesOf(response.body), ['Alpha', 'charlie']);
    assert.equal(response.body.Resources[0].members, undefined);
  });

  test('Groups search returns members by default', async () => {
    const response = await search(
      '/Groups/.search',
      searchOf({ filter: 'displayName eq "alpha"' }),
    );
    assert.equal(response.body.totalResults, 1);
    assert.equal(response.body.Resources[0].members[0].value, ids.amy);
  });

  test('Users search walks a cursor', async () => {
    const first = await search('/Users/.search', searchOf({ cursor: '', count: 2 }));
    assert.equal(first.body.startIndex, undefined);
    assert.deepEqual(namesOf(first.body), ['amy', 'ben']);
    const second = await search(
      '/Users/.search',
      searchOf({ cursor: first.body.nextCursor, count: 2 }),
    );
    assert.deepEqual(namesOf(second.body), ['cat']);
    assert.equal(second.body.nextCursor, undefined);
  });

  test('Users cursor is invalid for groups', async () => {
    const first = await search('/Users/.search', searchOf({ cursor: '', count: 1 }));
    const response = await search(
      '/Groups/.search',
      searchOf({ cursor: first.body.nextCursor, count: 1 }),
    );
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidCursor');
  });

  test('root search counts users and groups', async () => {
    const response = await search('/.search', searchOf());
    assert.equal(response.status, 200);
    assert.equal(response.body.totalResults, 5);
    assert.equal(response.body.itemsPerPage, 5);
    const types = response.body.Resources.map(
      (resource: { meta: { resourceType: string } }) => resource.meta.resourceType,
    );
    assert.deepEqual(types.sort(), ['Group', 'Group', 'User', 'User', 'User']);
  });

  test('root search sorts across types', async () => {
    const response = await search('/.search', searchOf({ sortBy: 'displayName' }));
    assert.equal(response.status, 200);
    // amy is "Delta", ben "bravo"; cat has no displayName and sorts last.
    assert.deepEqual(labelsOf(response.body), ['Alpha', 'bravo', 'charlie', 'Delta', 'cat']);
  });

  test('root search pages by index', async () => {
    const response = await search(
      '/.search',
      searchOf({ sortBy: 'displayName', sortOrder: 'descending', startIndex: 2, count: 2 }),
    );
    assert.equal(response.body.totalResults, 5);
    assert.equal(response.body.startIndex, 2);
    assert.deepEqual(labelsOf(response.body), ['Delta', 'charlie']);
  });

  test('root search walks a cursor', async () => {
    const walked: string[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page += 1) {
      const response = await search(
        '/.search',
        searchOf({ sortBy: 'displayName', cursor, count: 2 }),
      );
      assert.equal(response.status, 200, JSON.stringify(response.body));
      walked.push(...labelsOf(response.body).map(String));
      if (response.body.nextCursor === undefined) break;
      cursor = response.body.nextCursor;
    }
    assert.deepEqual(walked, ['Alpha', 'bravo', 'charlie', 'Delta', 'cat']);
  });

  test('root sortBy of one type sorts others last', async () => {
    const response = await search('/.search', searchOf({ sortBy: 'userName' }));
    assert.equal(response.status, 200);
    assert.deepEqual(namesOf(response.body).slice(0, 3), ['amy', 'ben', 'cat']);
  });

  test('root filter on a user attribute skips groups', async () => {
    const response = await search('/.search', searchOf({ filter: 'userName eq "ben"' }));
    assert.equal(response.status, 200);
    assert.equal(response.body.totalResults, 1);
    assert.equal(response.body.Resources[0].id, ids.ben);
  });

  test('root filter on an unknown attribute is 400', async () => {
    const response = await search('/.search', searchOf({ filter: 'shoeSize eq "9"' }));
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidFilter');
  });

  test('root sortBy unknown everywhere is 400', async () => {
    const response = await search('/.search', searchOf({ sortBy: 'shoeSize' }));
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
  });

  test('root search never returns password', async () => {
    const response = await search('/.search', searchOf({ filter: 'userName eq "amy"' }));
    assert.equal(response.body.Resources[0].password, undefined);
  });

  test('search body members are case-insensitive', async () => {
    const response = await search('/Users/.search', {
      SCHEMAS: [SEARCH_REQUEST],
      SortBy: 'userName',
      COUNT: 1,
    });
    assert.equal(response.status, 200);
    assert.deepEqual(namesOf(response.body), ['amy']);
  });

  const badBodies: [string, unknown, string, string][] = [
    ['array body', [], 'invalidSyntax', 'the request body must be a SearchRequest JSON object'],
    [
      'missing schemas',
      { filter: 'userName eq "amy"' },
      'invalidSyntax',
      `schemas must be ["${SEARCH_REQUEST}"]`,
    ],
    [
      'wrong schemas',
      { schemas: [LIST_RESPONSE] },
      'invalidSyntax',
      `schemas must be ["${SEARCH_REQUEST}"]`,
    ],
    [
      'attributes as a string',
      searchOf({ attributes: 'userName' }),
      'invalidValue',
      'attributes must be an array of attribute names',
    ],
    [
      'count as a string',
      searchOf({ count: '10' }),
      'invalidValue',
      'count must be an integer; got "10"',
    ],
    [
      'decimal startIndex',
      searchOf({ startIndex: 1.5 }),
      'invalidValue',
      'startIndex must be an integer; got 1.5',
    ],
    ['numeric filter', searchOf({ filter: 7 }), 'invalidValue', 'filter must be a string; got 7'],
    [
      'cursor with startIndex',
      searchOf({ cursor: '', startIndex: 1 }),
      'invalidValue',
      'send startIndex or cursor, not both',
    ],
    [
      'both projections',
      searchOf({ attributes: ['userName'], excludedAttributes: ['emails'] }),
      'invalidSyntax',
      'send attributes or excludedAttributes, not both',
    ],
    [
      'bad sortOrder',
      searchOf({ sortBy: 'userName', sortOrder: 'sideways' }),
      'invalidValue',
      'sortOrder "sideways" is invalid; use ascending or descending',
    ],
  ];
  for (const [name, body, scimType, detail] of badBodies) {
    test(`search rejects ${name}`, async () => {
      for (const path of ['/Users/.search', '/Groups/.search', '/.search']) {
        const response = await search(path, body);
        assert.equal(response.status, 400, path);
        assert.equal(response.body.scimType, scimType, path);
        assert.equal(response.body.detail, detail, path);
      }
    });
  }

  test('GET on .search is 405', async () => {
    for (const path of ['/Users/.search', '/.search']) {
      const response = await scim(`${base()}${path}`, { token: fixture.token });
      assert.equal(response.status, 405, path);
      assert.equal(response.headers.get('allow'), 'POST', path);
    }
  });
});
