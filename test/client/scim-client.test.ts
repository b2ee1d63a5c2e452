import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  GROUP_SCHEMA,
  PatchBuilder,
  ScimClient,
  ScimError,
  scimFilter,
  TokenSource,
  USER_SCHEMA,
  type User,
} from '../../src/client/index.js';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';

describeEachDatabase('SCIM client against scimd', (database) => {
  let server: RunningServer;
  let integrator: ProvisionedClient;
  let scim: ScimClient;

  before(async () => {
    server = await startTestServer(database());
    integrator = await provisionClient(server.context.storage);
    const tokens = new TokenSource({
      issuer: server.url,
      clientId: integrator.client.clientId,
      privateKey: integrator.key.privateKey,
      kid: integrator.key.kid,
    });
    scim = new ScimClient({
      baseUrl: `${server.url}/scim/directory/${integrator.directory.id}`,
      token: tokens,
    });
  });
  after(async () => {
    await server.close();
  });

  test('create and get a user', async () => {
    const created = await scim.users.create({
      schemas: [USER_SCHEMA],
      userName: 'ada@example.com',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
    });
    assert.match(String(created.id), /^[0-9a-f-]{36}$/);
    assert.equal(created.userName, 'ada@example.com');
    assert.equal(created.active, true);

    const fetched = await scim.users.get(created.id!);
    assert.equal(fetched.userName, 'ada@example.com');
    assert.equal(fetched.name?.familyName, 'Lovelace');
    assert.equal(fetched.meta?.version, created.meta?.version);
  });

  test('getIfChanged returns undefined on a matching ETag', async () => {
    const created = await scim.users.create({
      schemas: [USER_SCHEMA],
      userName: 'etag@example.com',
    });
    assert.equal(await scim.users.getIfChanged(created.id!, created.meta!.version!), undefined);
    const changed = await scim.users.getIfChanged(created.id!, 'W/"other"');
    assert.equal(changed?.id, created.id);
  });

  test('filter helper escapes quotes', async () => {
    const userName = 'o"brien\\x@example.com';
    const created = await scim.users.create({ schemas: [USER_SCHEMA], userName });

    const matches: User[] = [];
    for await (const user of scim.users.list({ filter: scimFilter`userName eq ${userName}` })) {
      matches.push(user);
    }
    assert.equal(matches.length, 1);
    assert.equal(matches[0]!.id, created.id);
  });

  test('duplicate userName is ScimError uniqueness', async () => {
    await scim.users.create({ schemas: [USER_SCHEMA], userName: 'twice@example.com' });
    await assert.rejects(
      scim.users.create({ schemas: [USER_SCHEMA], userName: 'TWICE@example.com' }),
      (error: unknown) => {
        assert.ok(error instanceof ScimError);
        assert.equal(error.status, 409);
        assert.equal(error.scimType, 'uniqueness');
        assert.match(String(error.detail), /TWICE@example.com/);
        return true;
      },
    );
  });

  test('missing user is ScimError 404', async () => {
    await assert.rejects(scim.users.get('00000000-0000-4000-8000-000000000000'), {
      name: 'ScimError',
      status: 404,
      scimType: undefined,
    });
  });

  test('bad filter is ScimError invalidFilter', async () => {
    const listing = scim.users.list({ filter: 'userName zz "x"' });
    await assert.rejects(listing.next(), (error: unknown) => {
      assert.ok(error instanceof ScimError);
      assert.equal(error.status, 400);
      assert.equal(error.scimType, 'invalidFilter');
      return true;
    });
  });

  test('wrong token is ScimError 401', async () => {
    const anonymous = new ScimClient({
      baseUrl: `${server.url}/scim/directory/${integrator.directory.id}`,
      token: 'not-a-token',
    });
    await assert.rejects(anonymous.users.get('x'), (error: unknown) => {
      assert.ok(error instanceof ScimError);
      assert.equal(error.status, 401);
      assert.equal(error.detail, 'the access token is malformed');
      return true;
    });
  });

  test('replace, patch and delete a user', async () => {
    const created = await scim.users.create({ schemas: [USER_SCHEMA], userName: 'rw@example.com' });

    const replaced = await scim.users.replace(
      created.id!,
      { schemas: [USER_SCHEMA], userName: 'rw@example.com', displayName: 'Read Write' },
      { ifMatch: created.meta!.version! },
    );
    assert.equal(replaced.displayName, 'Read Write');
    assert.notEqual(replaced.meta?.version, created.meta?.version);

    const patched = await scim.users.patch(
      created.id!,
      new PatchBuilder().replace('active', false),
    );
    assert.equal(patched?.active ?? (await scim.users.get(created.id!)).active, false);

    await scim.users.delete(created.id!);
    await assert.rejects(scim.users.get(created.id!), { name: 'ScimError', status: 404 });
  });

  test('stale If-Match is ScimError 412', async () => {
    const created = await scim.users.create({
      schemas: [USER_SCHEMA],
      userName: 'stale@example.com',
    });
    await scim.users.patch(created.id!, [{ op: 'replace', path: 'displayName', value: 'New' }]);

    await assert.rejects(
      scim.users.delete(created.id!, { ifMatch: created.meta!.version! }),
      (error: unknown) => {
        assert.ok(error instanceof ScimError);
        assert.equal(error.status, 412);
        return true;
      },
    );
    assert.equal((await scim.users.get(created.id!)).displayName, 'New');
  });

  test('group with members and a PATCH', async () => {
    const first = await scim.users.create({ schemas: [USER_SCHEMA], userName: 'm1@example.com' });
    const second = await scim.users.create({ schemas: [USER_SCHEMA], userName: 'm2@example.com' });

    const group = await scim.groups.create({
      schemas: [GROUP_SCHEMA],
      displayName: 'Client Group',
      members: [{ value: first.id! }],
    });
    await scim.groups.patch(group.id!, new PatchBuilder().add('members', [{ value: second.id! }]), {
      ifMatch: group.meta!.version!,
    });

    const fetched = await scim.groups.get(group.id!);
    const memberIds = (fetched.members ?? []).map((member) => member.value).sort();
    assert.deepEqual(memberIds, [first.id, second.id].sort());

    const listed: string[] = [];
    for await (const found of scim.groups.list({
      filter: scimFilter`displayName eq ${'Client Group'}`,
    })) {
      listed.push(found.id!);
    }
    assert.deepEqual(listed, [group.id]);
  });

  test('list pages through 1000 users', async () => {
    const paging = await provisionClient(server.context.storage);
    const client = new ScimClient({
      baseUrl: `${server.url}/scim/directory/${paging.directory.id}`,
      token: new TokenSource({
        issuer: server.url,
        clientId: paging.client.clientId,
        privateKey: paging.key.privateKey,
        kid: paging.key.kid,
      }),
      pageSize: 200,
    });
    for (let batch = 0; batch < 50; batch += 1) {
      await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          client.users.create({
            schemas: [USER_SCHEMA],
            userName: `user-${String(batch * 20 + index).padStart(4, '0')}@example.com`,
          }),
        ),
      );
    }

    const seen = new Set<string>();
    for await (const user of client.users.list()) seen.add(user.userName);

    assert.equal(seen.size, 1000);
    assert.ok(seen.has('user-0000@example.com'));
    assert.ok(seen.has('user-0999@example.com'));
    const first = await client.users.listPage({ count: 200 });
    assert.equal(first.totalResults, 1000);
    assert.equal(first.itemsPerPage, 200);
  });
});
