import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.js';
import { newUser, scim, useScimServer } from './scim-client.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const patchOf = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

describeEachDatabase('SCIM user PATCH', (database) => {
  const fixture = useScimServer(database);
  let counter = 0;

  /** Creates a user and returns its URL. */
  const createUser = async (extra: Record<string, unknown> = {}) => {
    counter += 1;
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: newUser(`patch${counter}@example.com`, extra),
    });
    assert.equal(response.status, 201);
    return `${fixture.users}/${response.body.id}`;
  };
  const patch = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    scim(url, { token: fixture.token, method: 'PATCH', body, headers });
  const read = async (url: string) => (await scim(url, { token: fixture.token })).body;

  test('replace of a simple attribute answers 200 with the user', async () => {
    const url = await createUser();
    const response = await patch(
      url,
      patchOf({ op: 'replace', path: 'displayName', value: 'Ada' }),
    );

    assert.equal(response.status, 200);
    assert.equal(response.body.displayName, 'Ada');
    assert.equal(response.body.meta.version, 'W/"2"');
    assert.equal((await read(url)).displayName, 'Ada');
  });

  test('op and Operations match case-insensitively', async () => {
    const url = await createUser();
    const response = await patch(url, {
      schemas: [PATCH_OP],
      operations: [{ op: 'Replace', path: 'title', value: 'Engineer' }],
    });

    assert.equal(response.status, 200);
    assert.equal((await read(url)).title, 'Engineer');
  });

  test('sub-attribute path sets name.givenName', async () => {
    const url = await createUser({ name: { familyName: 'Lovelace' } });
    const response = await patch(url, patchOf({ op: 'add', path: 'name.givenName', value: 'Ada' }));

    assert.equal(response.status, 200);
    assert.deepEqual((await read(url)).name, { familyName: 'Lovelace', givenName: 'Ada' });
  });

  test('path-less value applies keys as paths', async () => {
    const url = await createUser();
    const response = await patch(
      url,
      patchOf({
        op: 'replace',
        value: {
          'name.givenName': 'Grace',
          [`${ENTERPRISE}:department`]: 'Navy',
          active: 'False',
        },
      }),
    );

    assert.equal(response.status, 200);
    const user = await read(url);
    assert.equal(user.name.givenName, 'Grace');
    assert.equal(user[ENTERPRISE].department, 'Navy');
    assert.equal(user.active, false);
    assert.ok(user.schemas.includes(ENTERPRISE));
  });

  test('path-less replace ignores read-only id', async () => {
    const url = await createUser();
    const id = url.split('/').pop();
    const response = await patch(
      url,
      patchOf({ op: 'replace', value: { id: 'other', active: false } }),
    );

    assert.equal(response.status, 200);
    assert.equal(response.body.id, id);
    assert.equal(response.body.active, false);
  });

  test('URN-prefixed path sets an extension attribute', async () => {
    const url = await createUser();
    const response = await patch(
      url,
      patchOf({ op: 'add', path: `${ENTERPRISE}:manager`, value: 'boss-1' }),
    );

    assert.equal(response.status, 200);
    assert.deepEqual((await read(url))[ENTERPRISE].manager, { value: 'boss-1' });
  });

  test('URN-prefixed sub-attribute path sets manager.value', async () => {
    const url = await createUser();
    const response = await patch(
      url,
      patchOf({ op: 'replace', path: `${ENTERPRISE}:manager.value`, value: 'boss-2' }),
    );

    assert.equal(response.status, 200);
    assert.deepEqual((await read(url))[ENTERPRISE].manager, { value: 'boss-2' });
  });

  test('add to a multi-valued attribute appends', async () => {
    const url = await createUser({ emails: [{ value: 'a@example.com', type: 'work' }] });
    const response = await patch(
      url,
      patchOf({ op: 'add', path: 'emails', value: [{ value: 'b@example.com', type: 'home' }] }),
    );

    assert.equal(response.status, 200);
    assert.deepEqual(
      (await read(url)).emails.map((email: { value: string }) => email.value),
      ['a@example.com', 'b@example.com'],
    );
  });

  test('replace without filter replaces the whole set', async () => {
    const url = await createUser({
      emails: [
        { value: 'a@example.com', type: 'work' },
        { value: 'b@example.com', type: 'home' },
      ],
    });
    const response = await patch(
      url,
      patchOf({ op: 'replace', path: 'emails', value: [{ value: 'c@example.com' }] }),
    );

    assert.equal(response.status, 200);
    assert.deepEqual((await read(url)).emails, [{ value: 'c@example.com' }]);
  });

  test('filtered replace changes only the matching value', async () => {
    const url = await createUser({
      emails: [
        { value: 'a@example.com', type: 'work' },
        { value: 'b@example.com', type: 'home' },
      ],
    });
    const response = await patch(
      url,
      patchOf({ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' }),
    );

    assert.equal(response.status, 200);
    assert.deepEqual((await read(url)).emails, [
      { value: 'new@example.com', type: 'work' },
      { value: 'b@example.com', type: 'home' },
    ]);
  });

  test('filtered add without a match creates the element', async () => {
    const url = await createUser();
    const response = await patch(
      url,
      patchOf({ op: 'add', path: 'emails[type eq "work"].value', value: 'w@example.com' }),
    );

    assert.equal(response.status, 200);
    assert.deepEqual((await read(url)).emails, [{ type: 'work', value: 'w@example.com' }]);
  });

  test('filtered replace with a non-equality filter and no match is noTarget', async () => {
    const url = await createUser();
    const response = await patch(
      url,
      patchOf({ op: 'replace', path: 'emails[value co "x"].type', value: 'home' }),
    );

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'noTarget');
    assert.match(response.body.detail, /^Operations\[0\] \(replace emails\[value co "x"\]\.type\)/);
  });

  test('filtered remove with no match is noTarget', async () => {
    const url = await createUser({ emails: [{ value: 'a@example.com', type: 'home' }] });
    const response = await patch(url, patchOf({ op: 'remove', path: 'emails[type eq "work"]' }));

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'noTarget');
    assert.equal((await read(url)).emails.length, 1);
  });

  test('filtered remove drops the matching value', async () => {
    const url = await createUser({
      emails: [
        { value: 'a@example.com', type: 'work' },
        { value: 'b@example.com', type: 'home' },
      ],
    });
    const response = await patch(url, patchOf({ op: 'remove', path: 'emails[type eq "work"]' }));

    assert.equal(response.status, 200);
    assert.deepEqual((await read(url)).emails, [{ value: 'b@example.com', type: 'home' }]);
  });

  test('remove of a simple attribute clears it', async () => {
    const url = await createUser({ title: 'Boss' });
    const response = await patch(url, patchOf({ op: 'remove', path: 'title' }));

    assert.equal(response.status, 200);
    assert.equal((await read(url)).title, undefined);
  });

  test('remove without a path is noTarget', async () => {
    const url = await createUser();
    const response = await patch(url, patchOf({ op: 'remove' }));

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'noTarget');
  });

  test('setting primary clears it on the other values', async () => {
    const url = await createUser({
      emails: [{ value: 'a@example.com', type: 'work', primary: true }],
    });
    const response = await patch(
      url,
      patchOf({ op: 'add', path: 'emails', value: [{ value: 'b@example.com', primary: true }] }),
    );

    assert.equal(response.status, 200);
    const emails = (await read(url)).emails;
    assert.equal(emails[0].primary, false);
    assert.equal(emails[1].primary, true);
  });

  test('a failing operation changes nothing', async () => {
    const url = await createUser({ title: 'Before' });
    const response = await patch(
      url,
      patchOf(
        { op: 'replace', path: 'title', value: 'After' },
        { op: 'replace', path: 'active', value: 'maybe' },
      ),
    );

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.equal(response.body.detail, 'Operations[1] (replace active): active must be a boolean');
    const user = await read(url);
    assert.equal(user.title, 'Before');
    assert.equal(user.meta.version, 'W/"1"');
  });

  test('removing userName is invalidValue', async () => {
    const url = await createUser();
    const response = await patch(url, patchOf({ op: 'remove', path: 'userName' }));

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.equal(response.body.detail, 'after applying the operations: userName is required');
  });

  test('explicit path to a read-only attribute is mutability', async () => {
    const url = await createUser();
    const response = await patch(url, patchOf({ op: 'replace', path: 'groups', value: [] }));

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'mutability');
  });

  test('malformed path is invalidPath', async () => {
    const url = await createUser();
    const response = await patch(
      url,
      patchOf({ op: 'add', path: 'emails[type eq "work"', value: 'x' }),
    );

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidPath');
  });

  test('bad value filter is invalidFilter', async () => {
    const url = await createUser();
    const response = await patch(
      url,
      patchOf({ op: 'replace', path: 'emails[kind eq "work"].value', value: 'x' }),
    );

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidFilter');
  });

  test('unknown path is ignored in a lenient directory', async () => {
    const url = await createUser();
    const response = await patch(
      url,
      patchOf(
        { op: 'replace', path: 'urn:example:custom:1.0:User:shoeSize', value: '42' },
        { op: 'replace', path: 'nickName', value: 'Ada' },
      ),
    );

    assert.equal(response.status, 200);
    assert.equal((await read(url)).nickName, 'Ada');
  });

  test('patch that changes nothing keeps the version', async () => {
    const url = await createUser({ title: 'Same' });
    const response = await patch(url, patchOf({ op: 'replace', path: 'title', value: 'Same' }));

    assert.equal(response.status, 200);
    assert.equal(response.body.meta.version, 'W/"1"');
  });

  test('patch honours attributes', async () => {
    const url = await createUser();
    const response = await patch(
      `${url}?attributes=title`,
      patchOf({ op: 'replace', path: 'title', value: 'Shaped' }),
    );

    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body).sort(), ['id', 'schemas', 'title']);
  });

  test('password set by patch is hashed and kept by later patches', async () => {
    const url = await createUser();
    await patch(url, patchOf({ op: 'replace', path: 'password', value: 's3cret!' }));
    await patch(url, patchOf({ op: 'replace', path: 'title', value: 'x' }));

    const row = await fixture.server.context.storage.db
      .selectFrom('scim_users')
      .select('resource')
      .where('id', '=', url.split('/').pop()!)
      .executeTakeFirstOrThrow();
    const stored = fixture.server.context.storage.dialect.parseJson<{ password: string }>(
      row.resource,
    );
    assert.match(stored.password, /^scrypt\$/);
    assert.equal((await read(url)).password, undefined);
  });

  test('patch of an unknown user is 404', async () => {
    const response = await patch(
      `${fixture.users}/00000000-0000-0000-0000-000000000000`,
      patchOf({ op: 'replace', path: 'title', value: 'x' }),
    );
    assert.equal(response.status, 404);
  });

  test('filtered add without sub-attribute needs an object', async () => {
    const url = await createUser();
    const response = await patch(
      url,
      patchOf({ op: 'add', path: 'emails[type eq "work"]', value: 'x' }),
    );

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
  });
});
