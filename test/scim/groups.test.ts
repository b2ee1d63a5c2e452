import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.js';
import { baseUrl, newUser, scim, useScimServer } from './scim-client.js';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const patchOf = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

describeEachDatabase('SCIM Groups', (database) => {
  const fixture = useScimServer(database);
  const groups = () => `${baseUrl(fixture.server, fixture.provisioned.directory.id)}/Groups`;
  let counter = 0;

  const createUser = async () => {
    counter += 1;
    const response = await scim(fixture.users, {
      token: fixture.token,
      body: newUser(`member${counter}@example.com`, { displayName: `Member ${counter}` }),
    });
    assert.equal(response.status, 201);
    return response.body.id as string;
  };
  const createGroup = async (members: unknown[] = [], extra: Record<string, unknown> = {}) => {
    counter += 1;
    const response = await scim(groups(), {
      token: fixture.token,
      body: { schemas: [GROUP_SCHEMA], displayName: `Group ${counter}`, members, ...extra },
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body as { id: string; displayName: string };
  };
  const patch = (id: string, body: unknown, query = '') =>
    scim(`${groups()}/${id}${query}`, { token: fixture.token, method: 'PATCH', body });
  const memberIds = async (groupId: string) => {
    const rows = await fixture.server.context.storage.db
      .selectFrom('scim_group_members')
      .select('member_id')
      .where('group_id', '=', groupId)
      .orderBy('member_id')
      .execute();
    return rows.map((row) => row.member_id);
  };

  test('create returns 201 with members, display and $ref', async () => {
    const userId = await createUser();
    const response = await scim(groups(), {
      token: fixture.token,
      body: { schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [{ value: userId }] },
    });

    assert.equal(response.status, 201);
    assert.equal(response.headers.get('location'), `${groups()}/${response.body.id}`);
    assert.equal(response.headers.get('etag'), 'W/"1"');
    assert.equal(response.body.meta.resourceType, 'Group');
    assert.deepEqual(response.body.members, [
      {
        value: userId,
        type: 'User',
        display: `Member ${counter}`,
        $ref: `${fixture.users}/${userId}`,
      },
    ]);
  });

  test('duplicate displayName is 409 uniqueness', async () => {
    const group = await createGroup();
    const response = await scim(groups(), {
      token: fixture.token,
      body: { schemas: [GROUP_SCHEMA], displayName: group.displayName.toUpperCase() },
    });

    assert.equal(response.status, 409);
    assert.equal(response.body.scimType, 'uniqueness');
  });

  test('concurrent creates of one displayName yield one group', async () => {
    const create = () =>
      scim(groups(), {
        token: fixture.token,
        body: { schemas: [GROUP_SCHEMA], displayName: 'Race Group' },
      });
    const results = await Promise.all([create(), create(), create()]);

    assert.deepEqual(results.map((result) => result.status).sort(), [201, 409, 409]);
    const list = await scim(`${groups()}?filter=displayName eq "Race Group"`, {
      token: fixture.token,
    });
    assert.equal(list.body.totalResults, 1);
  });

  test('member id unknown in the directory is 400 and creates nothing', async () => {
    const response = await scim(groups(), {
      token: fixture.token,
      body: { schemas: [GROUP_SCHEMA], displayName: 'Ghosts', members: [{ value: 'nobody' }] },
    });

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.match(response.body.detail, /^members\[0\]\.value "nobody" is not a user or group/);
    const list = await scim(`${groups()}?filter=displayName eq "Ghosts"`, { token: fixture.token });
    assert.equal(list.body.totalResults, 0);
  });

  test('missing displayName is 400 invalidValue', async () => {
    const response = await scim(groups(), {
      token: fixture.token,
      body: { schemas: [GROUP_SCHEMA] },
    });

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.equal(response.body.detail, 'displayName is required');
  });

  test('excludedAttributes=members leaves members out', async () => {
    const group = await createGroup([{ value: await createUser() }]);
    const response = await scim(`${groups()}/${group.id}?excludedAttributes=members`, {
      token: fixture.token,
    });

    assert.equal(response.status, 200);
    assert.equal(response.body.members, undefined);
    assert.equal(response.body.displayName, group.displayName);
  });

  test('filter by displayName finds the group', async () => {
    const group = await createGroup();
    const response = await scim(
      `${groups()}?filter=${encodeURIComponent(`displayName eq "${group.displayName.toLowerCase()}"`)}`,
      { token: fixture.token },
    );

    assert.equal(response.status, 200);
    assert.equal(response.body.totalResults, 1);
    assert.equal(response.body.Resources[0].id, group.id);
  });

  test('list with excludedAttributes=members omits members', async () => {
    const group = await createGroup([{ value: await createUser() }]);
    const filter = encodeURIComponent(`displayName eq "${group.displayName}"`);
    const response = await scim(`${groups()}?filter=${filter}&excludedAttributes=members`, {
      token: fixture.token,
    });

    assert.equal(response.status, 200);
    assert.equal(response.body.totalResults, 1);
    assert.equal(response.body.Resources[0].members, undefined);
  });

  test('filter that matches no group is an empty list', async () => {
    const response = await scim(
      `${groups()}?filter=${encodeURIComponent('displayName eq "none"')}`,
      {
        token: fixture.token,
      },
    );

    assert.equal(response.status, 200);
    assert.equal(response.body.totalResults, 0);
    assert.deepEqual(response.body.Resources, []);
  });

  test('patch add member answers 204 and adds one row', async () => {
    const group = await createGroup([{ value: await createUser() }]);
    const userId = await createUser();
    const response = await patch(
      group.id,
      patchOf({ op: 'add', path: 'members', value: [{ value: userId }] }),
    );

    assert.equal(response.status, 204);
    assert.equal(response.headers.get('etag'), 'W/"2"');
    assert.equal((await memberIds(group.id)).length, 2);
    assert.ok((await memberIds(group.id)).includes(userId));
  });

  test('patch add of a present member succeeds and changes nothing', async () => {
    const userId = await createUser();
    const group = await createGroup([{ value: userId }]);
    const response = await patch(
      group.id,
      patchOf({ op: 'add', path: 'members', value: [{ value: userId }] }),
    );

    assert.equal(response.status, 204);
    assert.equal(response.headers.get('etag'), 'W/"1"');
    assert.deepEqual(await memberIds(group.id), [userId]);
  });

  test('patch remove with a value list removes only those members', async () => {
    const [a, b, c] = [await createUser(), await createUser(), await createUser()];
    const group = await createGroup([{ value: a }, { value: b }, { value: c }]);
    const response = await patch(
      group.id,
      patchOf({ op: 'Remove', path: 'members', value: [{ value: a }, { value: c }] }),
    );

    assert.equal(response.status, 204);
    assert.deepEqual(await memberIds(group.id), [b]);
  });

  test('patch remove members without value removes all', async () => {
    const group = await createGroup([{ value: await createUser() }, { value: await createUser() }]);
    const response = await patch(group.id, patchOf({ op: 'remove', path: 'members' }));

    assert.equal(response.status, 204);
    assert.deepEqual(await memberIds(group.id), []);
  });

  test('patch remove by member filter removes that member', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const group = await createGroup([{ value: a }, { value: b }]);
    const response = await patch(
      group.id,
      patchOf({ op: 'remove', path: `members[value eq "${a}"]` }),
    );

    assert.equal(response.status, 204);
    assert.deepEqual(await memberIds(group.id), [b]);
  });

  test('patch remove by a member filter that matches nothing is noTarget', async () => {
    const group = await createGroup([{ value: await createUser() }]);
    const response = await patch(
      group.id,
      patchOf({ op: 'remove', path: 'members[value eq "x"]' }),
    );

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'noTarget');
  });

  test('patch replace members replaces the set', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const group = await createGroup([{ value: a }]);
    const response = await patch(
      group.id,
      patchOf({ op: 'replace', path: 'members', value: [{ value: b }] }),
    );

    assert.equal(response.status, 204);
    assert.deepEqual(await memberIds(group.id), [b]);
  });

  test('path-less replace without members keeps membership', async () => {
    const userId = await createUser();
    const group = await createGroup([{ value: userId }]);
    const response = await patch(
      group.id,
      patchOf({ op: 'replace', value: { id: group.id, displayName: 'Renamed by Okta' } }),
    );

    assert.equal(response.status, 204);
    assert.deepEqual(await memberIds(group.id), [userId]);
    const read = await scim(`${groups()}/${group.id}`, { token: fixture.token });
    assert.equal(read.body.displayName, 'Renamed by Okta');
  });

  test('patch with attributes answers 200 with the group', async () => {
    const group = await createGroup();
    const response = await patch(
      group.id,
      patchOf({ op: 'replace', path: 'displayName', value: `${group.displayName} 2` }),
      '?excludedAttributes=members',
    );

    assert.equal(response.status, 200);
    assert.equal(response.body.displayName, `${group.displayName} 2`);
    assert.equal(response.body.meta.version, 'W/"2"');
  });

  test('failing member operation rolls back the whole patch', async () => {
    const userId = await createUser();
    const group = await createGroup();
    const response = await patch(
      group.id,
      patchOf(
        { op: 'add', path: 'members', value: [{ value: userId }] },
        { op: 'add', path: 'members', value: [{ value: 'nobody' }] },
      ),
    );

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.deepEqual(await memberIds(group.id), []);
  });

  test('nested group membership shows in User.groups as indirect', async () => {
    const userId = await createUser();
    const inner = await createGroup([{ value: userId }]);
    const outer = await createGroup([{ value: inner.id, type: 'Group' }]);
    const response = await scim(`${fixture.users}/${userId}`, { token: fixture.token });

    assert.equal(response.status, 200);
    assert.deepEqual(
      response.body.groups.map((g: { value: string; type: string }) => [g.value, g.type]),
      [
        [inner.id, 'direct'],
        [outer.id, 'indirect'],
      ],
    );
    assert.equal(response.body.groups[0].$ref, `${groups()}/${inner.id}`);
  });

  test('user list shows each user its own groups', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const inner = await createGroup([{ value: a }]);
    const outer = await createGroup([{ value: inner.id }, { value: b }]);
    const filter = encodeURIComponent(`id eq "${a}"`);
    const first = await scim(`${fixture.users}?filter=${filter}`, { token: fixture.token });
    const second = await scim(`${fixture.users}?filter=${encodeURIComponent(`id eq "${b}"`)}`, {
      token: fixture.token,
    });

    assert.deepEqual(
      first.body.Resources[0].groups.map((g: { value: string; type: string }) => [g.value, g.type]),
      [
        [inner.id, 'direct'],
        [outer.id, 'indirect'],
      ],
    );
    assert.deepEqual(
      second.body.Resources[0].groups.map((g: { value: string; type: string }) => [
        g.value,
        g.type,
      ]),
      [[outer.id, 'direct']],
    );
  });

  test('member of type User that is a group is 400', async () => {
    const inner = await createGroup();
    const response = await scim(groups(), {
      token: fixture.token,
      body: {
        schemas: [GROUP_SCHEMA],
        displayName: 'Typed',
        members: [{ value: inner.id, type: 'User' }],
      },
    });

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
  });

  test('put replaces displayName and members', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const group = await createGroup([{ value: a }]);
    const response = await scim(`${groups()}/${group.id}`, {
      token: fixture.token,
      method: 'PUT',
      body: { schemas: [GROUP_SCHEMA], displayName: 'Put Group', members: [{ value: b }] },
    });

    assert.equal(response.status, 200);
    assert.equal(response.body.displayName, 'Put Group');
    assert.deepEqual(await memberIds(group.id), [b]);
  });

  test('put without members clears membership', async () => {
    const group = await createGroup([{ value: await createUser() }]);
    const response = await scim(`${groups()}/${group.id}`, {
      token: fixture.token,
      method: 'PUT',
      body: { schemas: [GROUP_SCHEMA], displayName: group.displayName },
    });

    assert.equal(response.status, 200);
    assert.deepEqual(await memberIds(group.id), []);
  });

  test('delete of a group is 204 then 404', async () => {
    const group = await createGroup([{ value: await createUser() }]);
    const deleted = await scim(`${groups()}/${group.id}`, {
      token: fixture.token,
      method: 'DELETE',
    });
    const read = await scim(`${groups()}/${group.id}`, { token: fixture.token });

    assert.equal(deleted.status, 204);
    assert.equal(read.status, 404);
    assert.deepEqual(await memberIds(group.id), []);
  });

  test('delete of a user removes its memberships and bumps the group', async () => {
    const userId = await createUser();
    const group = await createGroup([{ value: userId }]);
    const deleted = await scim(`${fixture.users}/${userId}`, {
      token: fixture.token,
      method: 'DELETE',
    });

    assert.equal(deleted.status, 204);
    assert.deepEqual(await memberIds(group.id), []);
    const read = await scim(`${groups()}/${group.id}`, { token: fixture.token });
    assert.equal(read.body.meta.version, 'W/"2"');
    const events = await fixture.server.context.storage.db
      .selectFrom('directory_events')
      .select('action')
      .where('resource_id', '=', group.id)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      events.map((event) => event.action),
      ['create', 'update'],
    );
  });

  test('If-Match mismatch on group patch is 412 and changes nothing', async () => {
    const group = await createGroup();
    const response = await scim(`${groups()}/${group.id}`, {
      token: fixture.token,
      method: 'PATCH',
      headers: { 'if-match': 'W/"9"' },
      body: patchOf({ op: 'replace', path: 'displayName', value: 'Nope' }),
    });

    assert.equal(response.status, 412);
    const read = await scim(`${groups()}/${group.id}`, { token: fixture.token });
    assert.equal(read.body.displayName, group.displayName);
  });

  test('membership change of many members touches only the named row', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push(await createUser());
    const group = await createGroup(ids.map((value) => ({ value })));
    const before = await fixture.server.context.storage.db
      .selectFrom('scim_group_members')
      .select(['member_id', 'created_at'])
      .where('group_id', '=', group.id)
      .orderBy('member_id')
      .execute();

    await patch(group.id, patchOf({ op: 'remove', path: 'members', value: [{ value: ids[0] }] }));
    const after = await fixture.server.context.storage.db
      .selectFrom('scim_group_members')
      .select(['member_id', 'created_at'])
      .where('group_id', '=', group.id)
      .orderBy('member_id')
      .execute();

    assert.deepEqual(
      after,
      before.filter((row) => row.member_id !== ids[0]),
    );
  });

  test('group of 1200 members changes one member by patch', async () => {
    const { db } = fixture.server.context.storage;
    const now = new Date().toISOString();
    const ids = Array.from({ length: 1201 }, () => crypto.randomUUID());
    const rows = ids.map((id, index) => ({
      id,
      directory_id: fixture.provisioned.directory.id,
      user_name: `bulk${index}@example.com`,
      user_name_key: `bulk${index}@example.com`,
      external_id: null,
      display_name: null,
      active: 1,
      resource: fixture.server.context.storage.dialect.toJson({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `bulk${index}@example.com`,
      }),
      version: 1,
      created_at: now,
      updated_at: now,
    }));
    for (let start = 0; start < rows.length; start += 200) {
      await db
        .insertInto('scim_users')
        .values(rows.slice(start, start + 200))
        .execute();
    }
    const [extra, ...initial] = ids;
    const group = await createGroup(initial.map((value) => ({ value })));

    const added = await patch(
      group.id,
      patchOf({ op: 'add', path: 'members', value: [{ value: extra }] }),
    );
    const removed = await patch(
      group.id,
      patchOf({ op: 'remove', path: 'members', value: [{ value: initial[0] }] }),
    );

    assert.equal(added.status, 204);
    assert.equal(removed.status, 204);
    const members = await memberIds(group.id);
    assert.equal(members.length, 1200);
    assert.ok(members.includes(extra!));
    assert.ok(!members.includes(initial[0]!));
  });
});
