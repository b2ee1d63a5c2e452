import assert from 'node:assert/strict';
import { test } from 'node:test';
import { userBody } from '../../bench/lib/people.js';
import { type SeedSummary, seedDirectory } from '../../bench/lib/seed-store.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { scim, useScimServer } from '../scim/scim-client.js';

describeEachDatabase('bench seeder', (database) => {
  const fixture = useScimServer(database);
  let summary: SeedSummary;

  const readUserRow = async (id: string) => {
    const storage = fixture.server.context.storage;
    const row = await storage.db
      .selectFrom('scim_users')
      .select(['user_name_key', 'external_id', 'display_name', 'active', 'resource', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return { ...row, resource: storage.dialect.parseJson<Record<string, unknown>>(row.resource) };
  };

  test('seeds 2000 users and groups', async () => {
    summary = await seedDirectory(
      fixture.server.context.storage,
      fixture.provisioned.directory.id,
      {
        users: 2000,
        largeGroupMembers: 1500,
        teams: 3,
        teamSize: 10,
        prefix: 'seeded',
      },
    );

    assert.equal(summary.users, 2000);
    assert.equal(summary.sample.length, 1000);
    assert.equal(summary.outsiders.length, 500);
    assert.deepEqual(
      summary.groups.map((group) => group.members),
      [1500, 10, 10, 10],
    );
  });

  test('user rows match a SCIM POST', async () => {
    const posted = await scim(fixture.users, {
      token: fixture.token,
      body: userBody('posted', 7),
    });
    assert.equal(posted.status, 201);

    // The sample takes every second user of 2 000, so sample[7] is user 14.
    const seededRow = await readUserRow(summary.sample[7]!.id);
    const postedRow = await readUserRow(posted.body.id);
    const expected = userBody('seeded', 14);
    const fromPost = userBody('posted', 7);

    assert.deepEqual(postedRow.resource, fromPost);
    assert.deepEqual(seededRow.resource, expected);
    assert.equal(seededRow.user_name_key, (expected.userName as string).toLowerCase());
    assert.equal(seededRow.external_id, expected.externalId);
    assert.equal(seededRow.display_name, expected.displayName);
    assert.equal(Number(seededRow.active), Number(postedRow.active));
    assert.equal(seededRow.version, postedRow.version);
  });

  test('each user has a create event', async () => {
    const { count } = await fixture.server.context.storage.db
      .selectFrom('directory_events')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('directory_id', '=', fixture.provisioned.directory.id)
      .where('resource_type', '=', 'User')
      .where('action', '=', 'create')
      .executeTakeFirstOrThrow();
    assert.equal(Number(count), 2001);
  });

  test('GET by id returns a seeded user', async () => {
    const user = summary.sample[500]!;
    const response = await scim(`${fixture.users}/${user.id}`, { token: fixture.token });

    assert.equal(response.status, 200);
    assert.equal(response.body.id, user.id);
    assert.equal(response.body.userName, user.userName);
    assert.equal(response.body.externalId, user.externalId);
    assert.deepEqual(response.body.emails, [{ value: user.email, type: 'work', primary: true }]);
    assert.equal(response.body.meta.version, 'W/"1"');
  });

  test('GET by id lists seeded groups', async () => {
    const response = await scim(`${fixture.users}/${summary.sample[0]!.id}`, {
      token: fixture.token,
    });

    assert.equal(response.status, 200);
    const names = response.body.groups.map((group: { display: string }) => group.display).sort();
    assert.deepEqual(names, ['All staff (1500 members)', 'seeded team 0']);
  });

  test('filter userName eq finds one', async () => {
    const user = summary.sample[999]!;
    const filter = encodeURIComponent(`userName eq "${user.userName.toUpperCase()}"`);
    const response = await scim(`${fixture.users}?filter=${filter}`, { token: fixture.token });

    assert.equal(response.status, 200);
    assert.equal(response.body.totalResults, 1);
    assert.equal(response.body.Resources[0].id, user.id);
  });

  test('filter externalId eq finds one', async () => {
    const user = summary.sample[250]!;
    const filter = encodeURIComponent(`externalId eq "${user.externalId}"`);
    const response = await scim(`${fixture.users}?filter=${filter}`, { token: fixture.token });

    assert.equal(response.status, 200);
    assert.equal(response.body.totalResults, 1);
    assert.equal(response.body.Resources[0].userName, user.userName);
  });

  test('filter emails.value eq finds one', async () => {
    const user = summary.sample[500]!;
    const filter = encodeURIComponent(`emails.value eq "${user.email.toUpperCase()}"`);
    const response = await scim(`${fixture.users}?filter=${filter}`, { token: fixture.token });

    assert.equal(response.status, 200);
    assert.equal(response.body.totalResults, 1);
    assert.equal(response.body.Resources[0].id, user.id);
  });

  test('list page counts every user', async () => {
    const response = await scim(`${fixture.users}?startIndex=1001&count=100`, {
      token: fixture.token,
    });

    assert.equal(response.status, 200);
    assert.equal(response.body.totalResults, 2001);
    assert.equal(response.body.Resources.length, 100);
    assert.equal(response.body.startIndex, 1001);
  });

  test('large group lists its members', async () => {
    const group = summary.groups[0]!;
    const response = await scim(
      `${fixture.users.replace(/Users$/, 'Groups')}/${group.id}?attributes=members`,
      { token: fixture.token },
    );

    assert.equal(response.status, 200);
    assert.equal(response.body.members.length, 1500);
    assert.equal(response.body.members[0].value, summary.sample[0]!.id);
  });

  test('seeding an unknown directory fails', async () => {
    await assert.rejects(
      seedDirectory(fixture.server.context.storage, '00000000-0000-7000-8000-000000000000', {
        users: 1,
      }),
      /directory 00000000-0000-7000-8000-000000000000 not found/,
    );
  });
});
