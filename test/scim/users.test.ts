import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.js';
import { provisionClient } from '../helpers/fixtures.js';
import {
  baseUrl,
  ERROR_SCHEMA,
  issueToken,
  newUser,
  SCIM_CONTENT_TYPE,
  scim,
  USER_SCHEMA,
  useScimServer,
} from './scim-client.js';

const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describeEachDatabase('SCIM Users', (database) => {
  const fixture = useScimServer(database);

  const countRows = async (table: 'scim_users' | 'directory_events') => {
    const { count } = await fixture.server.context.storage.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('count'))
      .executeTakeFirstOrThrow();
    return Number(count);
  };

  test('create returns 201 with Location, ETag and meta', async () => {
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: newUser('ada@example.com', {
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
        externalId: 'ext-ada',
      }),
    });

    assert.equal(response.status, 201);
    assert.equal(response.headers.get('content-type'), SCIM_CONTENT_TYPE);
    assert.match(response.body.id, /^[0-9a-f-]{36}$/);
    const location = `${fixture.users}/${response.body.id}`;
    assert.equal(response.headers.get('location'), location);
    assert.equal(response.headers.get('etag'), 'W/"1"');
    assert.deepEqual(response.body.schemas, [USER_SCHEMA]);
    assert.equal(response.body.userName, 'ada@example.com');
    assert.equal(response.body.externalId, 'ext-ada');
    assert.equal(response.body.active, true);
    assert.deepEqual(response.body.name, { givenName: 'Ada', familyName: 'Lovelace' });
    assert.equal(response.body.meta.resourceType, 'User');
    assert.equal(response.body.meta.location, location);
    assert.equal(response.body.meta.version, 'W/"1"');
    assert.match(response.body.meta.created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(response.body.meta.lastModified, response.body.meta.created);
  });

  test('create appends a directory event', async () => {
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: newUser('event@example.com'),
    });
    assert.equal(response.status, 201);

    const events = await fixture.server.context.storage.db
      .selectFrom('directory_events')
      .selectAll()
      .where('resource_id', '=', response.body.id)
      .execute();
    assert.equal(events.length, 1);
    assert.equal(events[0]?.action, 'create');
    assert.equal(events[0]?.resource_type, 'User');
    assert.equal(events[0]?.directory_id, fixture.provisioned.directory.id);
  });

  test('create accepts application/json and keeps active false', async () => {
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: JSON.stringify(newUser('json@example.com', { active: false })),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.status, 201);
    assert.equal(response.body.active, false);
  });

  test('create ignores read-only attributes', async () => {
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: newUser('readonly@example.com', {
        id: 'chosen-by-client',
        meta: { version: 'W/"99"' },
        groups: [{ value: 'g1' }],
      }),
    });
    assert.equal(response.status, 201);
    assert.notEqual(response.body.id, 'chosen-by-client');
    assert.equal(response.body.meta.version, 'W/"1"');
    assert.equal(response.body.groups, undefined);
  });

  test('create accepts attribute names in any case', async () => {
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: {
        Schemas: [USER_SCHEMA.toUpperCase()],
        USERNAME: 'case@example.com',
        DisplayName: 'C',
      },
    });
    assert.equal(response.status, 201);
    assert.equal(response.body.userName, 'case@example.com');
    assert.equal(response.body.displayName, 'C');
    assert.deepEqual(response.body.schemas, [USER_SCHEMA]);
  });

  test('create stores the enterprise extension', async () => {
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: {
        schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
        userName: 'enterprise@example.com',
        [ENTERPRISE_SCHEMA]: { department: 'R&D', manager: { value: 'boss-id' } },
      },
    });
    assert.equal(response.status, 201);
    assert.deepEqual(response.body.schemas, [USER_SCHEMA, ENTERPRISE_SCHEMA]);
    assert.deepEqual(response.body[ENTERPRISE_SCHEMA], {
      department: 'R&D',
      manager: { value: 'boss-id' },
    });
  });

  test('password is stored hashed and never returned', async () => {
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: newUser('secret@example.com', { password: 'correct horse battery staple' }),
    });
    assert.equal(response.status, 201);
    assert.equal('password' in response.body, false);

    const fetched = await scim(`${fixture.users}/${response.body.id}`, { token: fixture.token });
    assert.equal('password' in fetched.body, false);

    const row = await fixture.server.context.storage.db
      .selectFrom('scim_users')
      .select('resource')
      .where('id', '=', response.body.id)
      .executeTakeFirstOrThrow();
    const stored = fixture.server.context.storage.dialect.parseJson<{ password: string }>(
      row.resource,
    );
    assert.match(stored.password, /^scrypt\$N=16384,r=8,p=1\$[\w-]+\$[\w-]+$/);
    assert.equal(stored.password.includes('correct horse'), false);
  });

  test('duplicate userName in another case is 409', async () => {
    const first = await scim(fixture.users, {
      token: fixture.token,
      body: newUser('Dup@Example.com'),
    });
    assert.equal(first.status, 201);
    const before = await countRows('directory_events');

    const second = await scim(fixture.users, {
      token: fixture.token,
      body: newUser('dup@EXAMPLE.com'),
    });
    assert.equal(second.status, 409);
    assert.deepEqual(second.body.schemas, [ERROR_SCHEMA]);
    assert.equal(second.body.status, '409');
    assert.equal(second.body.scimType, 'uniqueness');
    assert.match(second.body.detail, /userName "dup@EXAMPLE.com" is already used/);
    assert.equal(await countRows('directory_events'), before);
  });

  test('same userName in another directory is allowed', async () => {
    const other = await provisionClient(fixture.server.context.storage);
    const otherToken = await issueToken(fixture.server, other);
    const otherUsers = `${baseUrl(fixture.server, other.directory.id)}/Users`;

    assert.equal(
      (await scim(fixture.users, { token: fixture.token, body: newUser('shared@example.com') }))
        .status,
      201,
    );
    const response = await scim(otherUsers, {
      token: otherToken,
      body: newUser('shared@example.com'),
    });
    assert.equal(response.status, 201);
  });

  test('concurrent creates of one userName yield one user', async () => {
    const responses = await Promise.all(
      ['race@example.com', 'RACE@example.com', 'Race@Example.com'].map((userName) =>
        scim(fixture.users, { token: fixture.token, body: newUser(userName) }),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    assert.deepEqual(statuses, [201, 409, 409]);
  });

  const invalidBodies: [string, unknown, string, RegExp][] = [
    ['missing userName', { schemas: [USER_SCHEMA] }, 'invalidValue', /^userName is required$/],
    ['blank userName', newUser('  '), 'invalidValue', /^userName must not be empty$/],
    [
      'numeric userName',
      newUser(42 as unknown as string),
      'invalidValue',
      /^userName must be a string$/,
    ],
    ['missing schemas', { userName: 'x@example.com' }, 'invalidSyntax', /^schemas must be/],
    [
      'wrong schemas',
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], userName: 'x@example.com' },
      'invalidSyntax',
      /^schemas must include urn:ietf:params:scim:schemas:core:2\.0:User$/,
    ],
    [
      'wrong extension sub-attribute type',
      {
        schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
        userName: 'x@example.com',
        [ENTERPRISE_SCHEMA]: { manager: { value: 5 } },
      },
      'invalidValue',
      /^urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User:manager\.value must be a string$/,
    ],
    [
      'NUL in userName',
      newUser('a\u0000b'),
      'invalidValue',
      /^userName must not contain U\+0000 or an unpaired UTF-16 surrogate$/,
    ],
    [
      'unpaired surrogate in displayName',
      newUser('x@example.com', { displayName: 'x\ud800' }),
      'invalidValue',
      /^displayName must not contain U\+0000 or an unpaired UTF-16 surrogate$/,
    ],
    [
      'active as string',
      newUser('x@example.com', { active: 'yes' }),
      'invalidValue',
      /^active must be a boolean$/,
    ],
    [
      'emails as object',
      newUser('x@example.com', { emails: { value: 'a' } }),
      'invalidValue',
      /^emails must be an array$/,
    ],
    [
      'email item as string',
      newUser('x@example.com', { emails: ['a@example.com'] }),
      'invalidValue',
      /^emails\[0\] must be an object$/,
    ],
    [
      'email value as number',
      newUser('x@example.com', { emails: [{ value: 1 }] }),
      'invalidValue',
      /^emails\[0\]\.value must be a string$/,
    ],
    [
      'two primary emails',
      newUser('x@example.com', {
        emails: [
          { value: 'a', primary: true },
          { value: 'b', primary: true },
        ],
      }),
      'invalidValue',
      /^emails must have at most one value with primary true$/,
    ],
    [
      'name as string',
      newUser('x@example.com', { name: 'Ada' }),
      'invalidValue',
      /^name must be an object$/,
    ],
    [
      'names differing in case',
      { ...newUser('x@example.com'), username: 'y' },
      'invalidSyntax',
      /^userName and username name the same attribute$/,
    ],
    [
      'array body',
      [newUser('x@example.com')],
      'invalidSyntax',
      /^the request body must be a JSON object$/,
    ],
  ];
  for (const [name, body, scimType, detail] of invalidBodies) {
    test(`create rejects ${name} with 400`, async () => {
      const before = await countRows('scim_users');
      const response = await scim(fixture.users, { token: fixture.token, body });

      assert.equal(response.status, 400);
      assert.deepEqual(response.body.schemas, [ERROR_SCHEMA]);
      assert.equal(response.body.status, '400');
      assert.equal(response.body.scimType, scimType);
      assert.match(response.body.detail, detail);
      assert.equal(await countRows('scim_users'), before);
    });
  }

  test('create rejects malformed JSON with 400', async () => {
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: '{"schemas": [',
      headers: {},
    });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('content-type'), SCIM_CONTENT_TYPE);
    assert.equal(response.body.scimType, 'invalidSyntax');
    assert.equal(response.body.detail, 'the request body is not valid JSON');
  });

  test('create rejects an empty JSON body with 400', async () => {
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: '',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidSyntax');
  });

  test('create rejects a form body with 415', async () => {
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: 'userName=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(response.status, 415);
    assert.deepEqual(response.body.schemas, [ERROR_SCHEMA]);
    assert.equal(response.body.status, '415');
  });

  test('create rejects a body over the limit with 413', async () => {
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: newUser('big@example.com', { displayName: 'x'.repeat(1024 * 1024) }),
    });
    assert.equal(response.status, 413);
    assert.equal(response.body.status, '413');
    assert.match(response.body.detail, /larger than the limit of 1048576 bytes/);
  });

  test('get returns the user with its ETag', async () => {
    const created = await scim(fixture.users, {
      token: fixture.token,
      body: newUser('get@example.com'),
    });
    const response = await scim(`${fixture.users}/${created.body.id}`, { token: fixture.token });

    assert.equal(response.status, 200);
    assert.equal(response.headers.get('etag'), 'W/"1"');
    assert.equal(response.headers.get('content-type'), SCIM_CONTENT_TYPE);
    assert.deepEqual(response.body, created.body);
  });

  test('get with matching If-None-Match is 304', async () => {
    const created = await scim(fixture.users, {
      token: fixture.token,
      body: newUser('etag@example.com'),
    });
    const url = `${fixture.users}/${created.body.id}`;

    const matching = await scim(url, {
      token: fixture.token,
      headers: { 'if-none-match': 'W/"1"' },
    });
    assert.equal(matching.status, 304);
    assert.equal(matching.body, undefined);
    assert.equal(matching.headers.get('etag'), 'W/"1"');

    const other = await scim(url, {
      token: fixture.token,
      headers: { 'if-none-match': 'W/"7", "8"' },
    });
    assert.equal(other.status, 200);
  });

  test('get of an unknown id is 404', async () => {
    const response = await scim(`${fixture.users}/00000000-0000-0000-0000-000000000000`, {
      token: fixture.token,
    });
    assert.equal(response.status, 404);
    assert.deepEqual(response.body.schemas, [ERROR_SCHEMA]);
    assert.equal(response.body.status, '404');
    assert.equal(response.body.scimType, undefined);
  });

  test('get of an id with NUL is 404', async () => {
    const response = await scim(`${fixture.users}/%00`, { token: fixture.token });
    assert.equal(response.status, 404);
    assert.equal(response.body.status, '404');
  });

  test("get of another directory's user is 404", async () => {
    const other = await provisionClient(fixture.server.context.storage);
    const otherToken = await issueToken(fixture.server, other);
    const created = await scim(fixture.users, {
      token: fixture.token,
      body: newUser('mine@example.com'),
    });

    const response = await scim(
      `${baseUrl(fixture.server, other.directory.id)}/Users/${created.body.id}`,
      {
        token: otherToken,
      },
    );
    assert.equal(response.status, 404);
    assert.equal(response.body.status, '404');
  });
});
