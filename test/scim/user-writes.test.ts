import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setDirectoryStrictMode } from '../../src/directory/scim-options.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { provisionClient } from '../helpers/fixtures.js';
import { baseUrl, issueToken, newUser, scim, USER_SCHEMA, useScimServer } from './scim-client.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describeEachDatabase('SCIM user writes', (database) => {
  const fixture = useScimServer(database);
  let counter = 0;

  const createUser = async (extra: Record<string, unknown> = {}) => {
    counter += 1;
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: newUser(`writes${counter}@example.com`, extra),
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body;
  };
  const put = (id: string, body: unknown, headers: Record<string, string> = {}) =>
    scim(`${fixture.users}/${id}`, { token: fixture.token, method: 'PUT', body, headers });

  test('put replaces attributes and clears omitted ones', async () => {
    const user = await createUser({ title: 'Old', nickName: 'Nick' });
    const response = await put(user.id, newUser(user.userName, { title: 'New' }));

    assert.equal(response.status, 200);
    assert.equal(response.body.title, 'New');
    assert.equal(response.body.nickName, undefined);
    assert.equal(response.body.active, true);
    assert.equal(response.headers.get('etag'), 'W/"2"');
  });

  test('put keeps a password it does not name', async () => {
    const user = await createUser({ password: 'pa55word!' });
    await put(user.id, newUser(user.userName, { title: 'x' }));

    const row = await fixture.server.context.storage.db
      .selectFrom('scim_users')
      .select('resource')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    const stored = fixture.server.context.storage.dialect.parseJson<{ password?: string }>(
      row.resource,
    );
    assert.match(stored.password ?? '', /^scrypt\$/);
  });

  test('put with a different body id is 400', async () => {
    const user = await createUser();
    const response = await put(user.id, { ...newUser(user.userName), id: 'other' });

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
  });

  test('put to a taken userName is 409 uniqueness', async () => {
    const first = await createUser();
    const second = await createUser();
    const response = await put(second.id, newUser(first.userName.toUpperCase()));

    assert.equal(response.status, 409);
    assert.equal(response.body.scimType, 'uniqueness');
  });

  test('put with active false deactivates and keeps the user', async () => {
    const user = await createUser();
    const response = await put(user.id, newUser(user.userName, { active: false }));

    assert.equal(response.status, 200);
    const read = await scim(`${fixture.users}/${user.id}`, { token: fixture.token });
    assert.equal(read.body.active, false);
  });

  test('delete is 204 then 404', async () => {
    const user = await createUser();
    const deleted = await scim(`${fixture.users}/${user.id}`, {
      token: fixture.token,
      method: 'DELETE',
    });
    const read = await scim(`${fixture.users}/${user.id}`, { token: fixture.token });

    assert.equal(deleted.status, 204);
    assert.equal(read.status, 404);
  });

  test('If-Match with the current version allows the write', async () => {
    const user = await createUser();
    const response = await put(user.id, newUser(user.userName, { title: 't' }), {
      'if-match': user.meta.version,
    });
    assert.equal(response.status, 200);
  });

  test('If-Match mismatch on put is 412 and changes nothing', async () => {
    const user = await createUser({ title: 'kept' });
    const response = await put(user.id, newUser(user.userName, { title: 'lost' }), {
      'if-match': 'W/"7"',
    });

    assert.equal(response.status, 412);
    assert.equal(response.body.status, '412');
    const read = await scim(`${fixture.users}/${user.id}`, { token: fixture.token });
    assert.equal(read.body.title, 'kept');
  });

  test('If-Match mismatch on delete is 412 and keeps the user', async () => {
    const user = await createUser();
    const response = await scim(`${fixture.users}/${user.id}`, {
      token: fixture.token,
      method: 'DELETE',
      headers: { 'if-match': 'W/"5"' },
    });

    assert.equal(response.status, 412);
    const read = await scim(`${fixture.users}/${user.id}`, { token: fixture.token });
    assert.equal(read.status, 200);
  });

  test('two racing writers with the same ETag: exactly one wins', async () => {
    const user = await createUser();
    const write = (title: string) =>
      scim(`${fixture.users}/${user.id}`, {
        token: fixture.token,
        method: 'PATCH',
        headers: { 'if-match': user.meta.version },
        body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: title }] },
      });
    const results = await Promise.all([write('a'), write('b'), write('c'), write('d')]);

    const statuses = results.map((result) => result.status).sort();
    assert.deepEqual(statuses, [200, 412, 412, 412]);
    const read = await scim(`${fixture.users}/${user.id}`, { token: fixture.token });
    assert.equal(read.body.meta.version, 'W/"2"');
  });

  test('If-None-Match with the current version on get is 304', async () => {
    const user = await createUser();
    const response = await scim(`${fixture.users}/${user.id}`, {
      token: fixture.token,
      headers: { 'if-none-match': user.meta.version },
    });
    assert.equal(response.status, 304);
  });

  test('attributes returns only the named attributes with id and schemas', async () => {
    const user = await createUser({ title: 'T', name: { givenName: 'G', familyName: 'F' } });
    const response = await scim(`${fixture.users}/${user.id}?attributes=name.givenName,USERNAME`, {
      token: fixture.token,
    });

    assert.equal(response.status, 200);
    assert.deepEqual(response.body, {
      schemas: [USER_SCHEMA],
      id: user.id,
      userName: user.userName,
      name: { givenName: 'G' },
    });
  });

  test('excludedAttributes removes the named attributes', async () => {
    const user = await createUser({ title: 'T', [ENTERPRISE]: { department: 'D', division: 'V' } });
    const response = await scim(
      `${fixture.users}/${user.id}?excludedAttributes=title,${ENTERPRISE}:department,id`,
      { token: fixture.token },
    );

    assert.equal(response.status, 200);
    assert.equal(response.body.title, undefined);
    assert.equal(response.body.id, user.id);
    assert.deepEqual(response.body[ENTERPRISE], { division: 'V' });
  });

  test('list honours attributes', async () => {
    const user = await createUser();
    const filter = encodeURIComponent(`userName eq "${user.userName}"`);
    const response = await scim(`${fixture.users}?filter=${filter}&attributes=active`, {
      token: fixture.token,
    });

    assert.equal(response.status, 200);
    assert.deepEqual(response.body.Resources, [
      { schemas: [USER_SCHEMA], id: user.id, active: true },
    ]);
  });

  test('unknown attributes and schema URNs are ignored by default', async () => {
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: {
        schemas: [USER_SCHEMA, 'urn:example:custom:1.0:User'],
        userName: 'lenient@example.com',
        shoeSize: 42,
        name: { givenName: 'L', nick: 'x' },
      },
    });

    assert.equal(response.status, 201);
    assert.deepEqual(response.body.schemas, [USER_SCHEMA]);
    assert.equal(response.body.shoeSize, undefined);
    assert.deepEqual(response.body.name, { givenName: 'L' });
  });

  test('extension attributes without their URN in schemas add it', async () => {
    const user = await createUser({ [ENTERPRISE]: { department: 'D' } });
    assert.deepEqual(user.schemas, [USER_SCHEMA, ENTERPRISE]);
    assert.equal(user[ENTERPRISE].department, 'D');
  });

  test('boolean strings in any case are accepted', async () => {
    const user = await createUser({ active: 'FALSE' });
    assert.equal(user.active, false);
  });

  test('manager as a bare string is read as its value', async () => {
    const user = await createUser({ [ENTERPRISE]: { manager: 'boss-7' } });
    assert.deepEqual(user[ENTERPRISE].manager, { value: 'boss-7' });
  });

  test('client-supplied id, meta and groups are ignored', async () => {
    const user = await createUser({
      id: 'mine',
      meta: { version: 'W/"99"' },
      groups: [{ value: 'g' }],
    });
    assert.notEqual(user.id, 'mine');
    assert.equal(user.meta.version, 'W/"1"');
    assert.equal(user.groups, undefined);
  });

  test('text/json request bodies are accepted', async () => {
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: JSON.stringify(newUser('textjson@example.com')),
      headers: { 'content-type': 'text/json' },
    });
    assert.equal(response.status, 201);
  });

  test('strict directory rejects an unknown attribute with invalidSyntax', async () => {
    const strict = await provisionClient(fixture.server.context.storage);
    await setDirectoryStrictMode(fixture.server.context.storage, strict.directory.id, true);
    const token = await issueToken(fixture.server, strict);
    const url = `${baseUrl(fixture.server, strict.directory.id)}/Users`;

    const response = await scim(url, {
      token,
      body: newUser('strict@example.com', { shoeSize: 1 }),
    });

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidSyntax');
    assert.equal(response.body.detail, 'shoeSize is not an attribute of User');
    const list = await scim(url, { token });
    assert.equal(list.body.totalResults, 0);
  });

  test('strict directory rejects an unknown schema URN', async () => {
    const strict = await provisionClient(fixture.server.context.storage);
    await setDirectoryStrictMode(fixture.server.context.storage, strict.directory.id, true);
    const token = await issueToken(fixture.server, strict);
    const url = `${baseUrl(fixture.server, strict.directory.id)}/Users`;

    const response = await scim(url, {
      token,
      body: { schemas: [USER_SCHEMA, 'urn:example:x'], userName: 'strict2@example.com' },
    });

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidSyntax');
  });
});
