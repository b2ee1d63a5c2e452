import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.js';
import { provisionClient } from '../helpers/fixtures.js';
import {
  baseUrl,
  issueToken,
  newUser,
  SCIM_CONTENT_TYPE,
  scim,
  useScimServer,
} from './scim-client.js';

const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

describeEachDatabase('SCIM user list', (database) => {
  const fixture = useScimServer(database);
  /** Ids of the five users created for paging, in creation order. */
  const ids: string[] = [];

  before(async () => {
    for (const index of [1, 2, 3, 4, 5]) {
      const response = await scim(fixture.users, {
        token: fixture.token,
        body: newUser(`Page${index}@Example.com`, { externalId: `EXT-${index}` }),
      });
      ids.push(response.body.id);
    }

    // A user of another directory that no list of this one may show.
    const other = await provisionClient(fixture.server.context.storage);
    await scim(`${baseUrl(fixture.server, other.directory.id)}/Users`, {
      token: await issueToken(fixture.server, other),
      body: newUser('page1@example.com'),
    });
  });

  const list = (query: string) => scim(`${fixture.users}?${query}`, { token: fixture.token });
  const filter = (expression: string) => list(`filter=${encodeURIComponent(expression)}`);

  test('list returns every user of the directory', async () => {
    const response = await scim(fixture.users, { token: fixture.token });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), SCIM_CONTENT_TYPE);
    assert.deepEqual(response.body.schemas, [LIST_SCHEMA]);
    assert.equal(response.body.totalResults, 5);
    assert.equal(response.body.startIndex, 1);
    assert.equal(response.body.itemsPerPage, 5);
    assert.deepEqual(
      response.body.Resources.map((user: { id: string }) => user.id),
      ids,
    );
    assert.equal(response.body.Resources[0].meta.location, `${fixture.users}/${ids[0]}`);
  });

  test('filter finds userName case-insensitively', async () => {
    const response = await filter('userName eq "PAGE3@example.COM"');
    assert.equal(response.status, 200);
    assert.equal(response.body.totalResults, 1);
    assert.equal(response.body.itemsPerPage, 1);
    assert.equal(response.body.Resources[0].id, ids[2]);
    assert.equal(response.body.Resources[0].userName, 'Page3@Example.com');
  });

  test('filter attribute and operator are case-insensitive', async () => {
    const response = await filter('USERNAME EQ "page2@example.com"');
    assert.equal(response.body.totalResults, 1);
    assert.equal(response.body.Resources[0].id, ids[1]);
  });

  test('filter accepts a fully qualified attribute', async () => {
    const response = await filter(
      'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "page4@example.com"',
    );
    assert.equal(response.body.totalResults, 1);
    assert.equal(response.body.Resources[0].id, ids[3]);
  });

  test('filter decodes JSON escapes in strings', async () => {
    const response = await filter('userName eq "\\u0050age5@example.com"');
    assert.equal(response.body.totalResults, 1);
    assert.equal(response.body.Resources[0].id, ids[4]);
  });

  test('filter with no match returns totalResults 0', async () => {
    const response = await filter('userName eq "nobody@example.com"');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.schemas, [LIST_SCHEMA]);
    assert.equal(response.body.totalResults, 0);
    assert.equal(response.body.itemsPerPage, 0);
    assert.deepEqual(response.body.Resources, []);
  });

  test('filter by externalId is case-exact', async () => {
    const exact = await filter('externalId eq "EXT-2"');
    assert.equal(exact.body.totalResults, 1);
    assert.equal(exact.body.Resources[0].id, ids[1]);

    const otherCase = await filter('externalId eq "ext-2"');
    assert.equal(otherCase.body.totalResults, 0);
  });

  test('filter by id finds the user', async () => {
    const response = await filter(`id eq "${ids[0]}"`);
    assert.equal(response.body.totalResults, 1);
    assert.equal(response.body.Resources[0].id, ids[0]);
  });

  const invalidFilters: [string, RegExp][] = [
    ['userName gt true', /^userName must be compared with a string, not true \(at position 1\)$/],
    ['active co "t"', /^active is a boolean, which takes only eq, ne and pr, not co/],
    ['userName eq "a" and', /^the filter ends where an expression is expected$/],
    ['not userName eq "a"', /^"not" at position 1 must be followed by "\("$/],
    ['emails[type eq "work"', /^the "\[" at position 7 is not closed$/],
    ['name eq "A"', /^name is complex; compare one of its sub-attributes/],
    ['shoeSize eq "42"', /^shoeSize is not an attribute of User \(at position 1\)$/],
    ['name.nick eq "A"', /^name\.nick is not an attribute of User \(at position 1\)$/],
    ['userName eq 42', /^userName must be compared with a string, not 42 \(at position 1\)$/],
    ['userName eq page1', /^"page1" at position 13 is not a value; quote strings/],
    ['userName eq "open', /^the string starting at position 13 is not closed$/],
    ['userName eq "bad\\x"', /^the string starting at position 13 is not a valid JSON string$/],
    ['userName like "a"', /^"like" at position 10 is not a filter operator/],
    ['userName', /^expected an operator after "userName" at position 1 at the end of the filter$/],
    ['userName eq', /^expected a value after "eq" at position 10 at the end of the filter$/],
    [
      'userName eq "a" "b"',
      /^the string "b" at position 17 is unexpected; join expressions with and, or$/,
    ],
    ['', /^the filter is empty$/],
    [
      'userName eq "a\\u0000"',
      /^the value for userName must not contain U\+0000 or an unpaired UTF-16 surrogate \(at position 1\)$/,
    ],
  ];
  for (const [expression, detail] of invalidFilters) {
    test(`filter ${JSON.stringify(expression)} is 400 invalidFilter`, async () => {
      const response = await filter(expression);
      assert.equal(response.status, 400);
      assert.equal(response.body.status, '400');
      assert.equal(response.body.scimType, 'invalidFilter');
      assert.match(response.body.detail, detail);
    });
  }

  test('paging returns the requested window', async () => {
    const response = await list('startIndex=2&count=2');
    assert.equal(response.body.totalResults, 5);
    assert.equal(response.body.startIndex, 2);
    assert.equal(response.body.itemsPerPage, 2);
    assert.deepEqual(
      response.body.Resources.map((user: { id: string }) => user.id),
      ids.slice(1, 3),
    );
  });

  test('paging past the end returns no resources', async () => {
    const response = await list('startIndex=6&count=2');
    assert.equal(response.body.totalResults, 5);
    assert.equal(response.body.startIndex, 6);
    assert.equal(response.body.itemsPerPage, 0);
    assert.deepEqual(response.body.Resources, []);
  });

  test('count 0 returns only totalResults', async () => {
    const response = await list('count=0');
    assert.equal(response.body.totalResults, 5);
    assert.equal(response.body.itemsPerPage, 0);
    assert.deepEqual(response.body.Resources, []);
  });

  test('startIndex below 1 and negative count are clamped', async () => {
    const response = await list('startIndex=-3&count=-1');
    assert.equal(response.status, 200);
    assert.equal(response.body.startIndex, 1);
    assert.equal(response.body.itemsPerPage, 0);
  });

  test('count above the maximum returns at most 200', async () => {
    const response = await list('count=100000');
    assert.equal(response.status, 200);
    assert.equal(response.body.itemsPerPage, 5);
  });

  test('non-integer count is 400 invalidValue', async () => {
    const response = await list('count=ten');
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.equal(response.body.detail, 'the count query parameter must be an integer');
  });

  test('repeated startIndex is 400 invalidValue', async () => {
    const response = await list('startIndex=1&startIndex=2');
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.equal(response.body.detail, 'the startIndex query parameter is given more than once');
  });

  test('unknown sortBy is 400 invalidValue', async () => {
    const response = await list('sortBy=nickname.value');
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.equal(response.body.detail, 'sortBy nickname.value is not an attribute of User');
  });
});
