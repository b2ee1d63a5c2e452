import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, signAssertion } from '../helpers/fixtures.js';
import { requestJson } from '../helpers/http.js';
import { startScimFixture } from '../helpers/scim-fixture.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describeEachDatabase('concurrent requests', (database) => {
  let server: RunningServer;
  let integrator: ProvisionedClient;
  let accessToken: string;
  let scimBase: string;

  before(async () => {
    ({ server, integrator, accessToken, scimBase } = await startScimFixture(database()));
  });
  after(async () => {
    await server.close();
  });

  test('50 creates of one userName store one user', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        requestJson(`${scimBase}/Users`, {
          method: 'POST',
          token: accessToken,
          // Vary the case: userName is unique without regard to case.
          body: {
            schemas: [USER_SCHEMA],
            userName: index % 2 ? 'RACE@example.com' : 'race@example.com',
          },
        }),
      ),
    );

    const created = responses.filter((response) => response.status === 201);
    const conflicts = responses.filter((response) => response.status === 409);
    assert.equal(created.length, 1);
    assert.equal(conflicts.length, 49);
    for (const conflict of conflicts) assert.equal(conflict.body.scimType, 'uniqueness');

    const stored = await server.context.storage.db
      .selectFrom('scim_users')
      .select('id')
      .where('directory_id', '=', integrator.directory.id)
      .where('user_name_key', '=', 'race@example.com')
      .execute();
    assert.equal(stored.length, 1);
  });

  test('one assertion sent 20 times gives one token', async () => {
    const tokenEndpoint = `${server.url}/oauth/token`;
    const assertion = await signAssertion(
      integrator.key,
      integrator.client.clientId,
      tokenEndpoint,
    );
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion,
    }).toString();

    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        requestJson(tokenEndpoint, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      ),
    );

    const issued = responses.filter((response) => response.status === 200);
    const rejected = responses.filter((response) => response.status === 401);
    assert.equal(issued.length, 1);
    assert.equal(rejected.length, 19);
    for (const response of rejected) assert.equal(response.body.error, 'invalid_client');
  });

  test('20 parallel member adds keep all', async () => {
    const group = await requestJson(`${scimBase}/Groups`, {
      method: 'POST',
      token: accessToken,
      body: { schemas: [GROUP_SCHEMA], displayName: 'race group' },
    });
    assert.equal(group.status, 201);
    const userIds: string[] = [];
    for (let index = 0; index < 20; index++) {
      const user = await requestJson(`${scimBase}/Users`, {
        method: 'POST',
        token: accessToken,
        body: { schemas: [USER_SCHEMA], userName: `member-${index}@example.com` },
      });
      assert.equal(user.status, 201);
      userIds.push(user.body.id);
    }

    // Each client adds a different member to the same group at the same time.
    const responses = await Promise.all(
      userIds.map((userId) =>
        requestJson(`${scimBase}/Groups/${group.body.id}`, {
          method: 'PATCH',
          token: accessToken,
          body: {
            schemas: [PATCH_SCHEMA],
            Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }],
          },
        }),
      ),
    );
    for (const response of responses) assert.ok(response.status === 200 || response.status === 204);

    const rows = await server.context.storage.db
      .selectFrom('scim_group_members')
      .select('member_id')
      .where('group_id', '=', group.body.id)
      .execute();
    assert.equal(rows.length, 20);
    assert.deepEqual(rows.map((row) => row.member_id).sort(), [...userIds].sort());

    const fetched = await requestJson(`${scimBase}/Groups/${group.body.id}`, {
      token: accessToken,
    });
    assert.equal(fetched.body.members.length, 20);
  });

  test('two PUTs with one If-Match', async () => {
    const created = await requestJson(`${scimBase}/Users`, {
      method: 'POST',
      token: accessToken,
      body: { schemas: [USER_SCHEMA], userName: 'put-race@example.com' },
    });
    assert.equal(created.status, 201);
    const etag = created.headers.get('etag');
    assert.ok(etag);

    const responses = await Promise.all(
      ['First', 'Second'].map((title) =>
        requestJson(`${scimBase}/Users/${created.body.id}`, {
          method: 'PUT',
          token: accessToken,
          headers: { 'if-match': etag },
          body: { schemas: [USER_SCHEMA], userName: 'put-race@example.com', title },
        }),
      ),
    );

    const statuses = responses.map((response) => response.status).sort();
    assert.deepEqual(statuses, [200, 412]);
    const winner = responses.find((response) => response.status === 200);
    const stored = await requestJson(`${scimBase}/Users/${created.body.id}`, {
      token: accessToken,
    });
    assert.equal(stored.body.title, winner?.body.title);
  });
});
