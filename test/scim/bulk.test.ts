import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BULK_MAX_OPERATIONS, BULK_MAX_PAYLOAD_SIZE } from '../../src/scim/bulk/limits.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { provisionClient } from '../helpers/fixtures.js';
import { baseUrl, ERROR_SCHEMA, issueToken, newUser, scim, useScimServer } from './scim-client.js';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const bulkOf = (Operations: unknown[], extra: Record<string, unknown> = {}) => ({
  schemas: [BULK_REQUEST],
  Operations,
  ...extra,
});

describeEachDatabase('SCIM Bulk', (database) => {
  const fixture = useScimServer(database);
  const base = () => baseUrl(fixture.server, fixture.provisioned.directory.id);
  const bulk = (body: unknown, token = fixture.token, directoryBase = base()) =>
    scim(`${directoryBase}/Bulk`, { token, body });
  let counter = 0;
  const name = (prefix: string) => {
    counter += 1;
    return `${prefix}${counter}`;
  };

  const createUser = async () => {
    const response = await scim(`${base()}/Users`, {
      token: fixture.token,
      body: newUser(`${name('user')}@example.com`),
    });
    assert.equal(response.status, 201);
    return response.body as { id: string; userName: string; meta: { version: string } };
  };
  const getResource = (path: string) => scim(`${base()}${path}`, { token: fixture.token });
  const memberIds = async (groupId: string) => {
    const rows = await fixture.server.context.storage.db
      .selectFrom('scim_group_members')
      .select('member_id')
      .where('group_id', '=', groupId)
      .execute();
    return rows.map((row) => row.member_id).sort();
  };
  const countGroups = async (displayName: string) => {
    const rows = await fixture.server.context.storage.db
      .selectFrom('scim_groups')
      .select('id')
      .where('directory_id', '=', fixture.provisioned.directory.id)
      .where('display_name', '=', displayName)
      .execute();
    return rows.length;
  };

  test('POST creates a user with 201', async () => {
    const userName = `${name('bulk')}@example.com`;
    const response = await bulk(
      bulkOf([{ method: 'POST', path: '/Users', bulkId: 'u1', data: newUser(userName) }]),
    );

    assert.equal(response.status, 200);
    assert.deepEqual(response.body.schemas, [BULK_RESPONSE]);
    const [result] = response.body.Operations;
    assert.equal(result.status, '201');
    assert.equal(result.method, 'POST');
    assert.equal(result.bulkId, 'u1');
    assert.equal(result.version, 'W/"1"');
    assert.equal(result.response, undefined);
    assert.match(result.location, new RegExp(`^${base()}/Users/[0-9a-f-]{36}$`));

    const created = await scim(result.location, { token: fixture.token });
    assert.equal(created.status, 200);
    assert.equal(created.body.userName, userName);
  });

  test('PUT, PATCH and DELETE return statuses', async () => {
    const user = await createUser();
    const other = await createUser();
    const response = await bulk(
      bulkOf([
        {
          method: 'PUT',
          path: `/Users/${user.id}`,
          data: newUser(user.userName, { displayName: 'Replaced' }),
        },
        {
          method: 'PATCH',
          path: `/Users/${user.id}`,
          data: {
            schemas: [PATCH_OP],
            Operations: [{ op: 'replace', path: 'title', value: 'Lead' }],
          },
        },
        { method: 'DELETE', path: `/Users/${other.id}` },
      ]),
    );

    assert.equal(response.status, 200);
    assert.deepEqual(response.body.Operations, [
      { method: 'PUT', location: `${base()}/Users/${user.id}`, version: 'W/"2"', status: '200' },
      { method: 'PATCH', location: `${base()}/Users/${user.id}`, version: 'W/"3"', status: '200' },
      { method: 'DELETE', location: `${base()}/Users/${other.id}`, status: '204' },
    ]);
    const updated = await getResource(`/Users/${user.id}`);
    assert.equal(updated.body.displayName, 'Replaced');
    assert.equal(updated.body.title, 'Lead');
    assert.equal((await getResource(`/Users/${other.id}`)).status, 404);
  });

  test('group members resolve bulkId references', async () => {
    const displayName = name('Team ');
    const response = await bulk(
      bulkOf([
        { method: 'POST', path: '/Users', bulkId: 'alice', data: newUser(`${name('a')}@x.test`) },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'team',
          data: { schemas: [GROUP_SCHEMA], displayName, members: [{ value: 'bulkId:alice' }] },
        },
      ]),
    );

    const [user, group] = response.body.Operations;
    assert.equal(user.status, '201');
    assert.equal(group.status, '201');
    const userId = user.location.split('/').at(-1);
    const groupId = group.location.split('/').at(-1);
    assert.deepEqual(await memberIds(groupId), [userId]);
  });

  test('forward reference runs the POST first', async () => {
    const displayName = name('Forward ');
    const response = await bulk(
      bulkOf([
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'group',
          data: { schemas: [GROUP_SCHEMA], displayName, members: [{ value: 'bulkId:later' }] },
        },
        { method: 'POST', path: '/Users', bulkId: 'later', data: newUser(`${name('f')}@x.test`) },
      ]),
    );

    const [group, user] = response.body.Operations;
    assert.equal(group.bulkId, 'group');
    assert.equal(group.status, '201');
    assert.equal(user.bulkId, 'later');
    assert.equal(user.status, '201');
    assert.deepEqual(await memberIds(group.location.split('/').at(-1)), [
      user.location.split('/').at(-1),
    ]);
  });

  test('PATCH values and paths resolve references', async () => {
    const group = await scim(`${base()}/Groups`, {
      token: fixture.token,
      body: { schemas: [GROUP_SCHEMA], displayName: name('Patched ') },
    });
    const response = await bulk(
      bulkOf([
        {
          method: 'PATCH',
          path: `/Groups/${group.body.id}`,
          data: {
            schemas: [PATCH_OP],
            Operations: [{ op: 'add', path: 'members', value: [{ value: 'bulkId:bob' }] }],
          },
        },
        {
          method: 'PATCH',
          path: '/Users/bulkId:bob',
          data: {
            schemas: [PATCH_OP],
            Operations: [{ op: 'add', path: 'title', value: 'Engineer' }],
          },
        },
        { method: 'POST', path: '/Users', bulkId: 'bob', data: newUser(`${name('b')}@x.test`) },
      ]),
    );

    const statuses = response.body.Operations.map((result: { status: string }) => result.status);
    assert.deepEqual(statuses, ['200', '200', '201']);
    const bobId = response.body.Operations[2].location.split('/').at(-1);
    assert.equal(response.body.Operations[1].location, `${base()}/Users/${bobId}`);
    assert.deepEqual(await memberIds(group.body.id), [bobId]);
    assert.equal((await getResource(`/Users/${bobId}`)).body.title, 'Engineer');
  });

  test('manager value resolves a reference', async () => {
    const response = await bulk(
      bulkOf([
        { method: 'POST', path: '/Users', bulkId: 'boss', data: newUser(`${name('m')}@x.test`) },
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'report',
          data: newUser(`${name('r')}@x.test`, {
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
            [ENTERPRISE]: { manager: { value: 'bulkId:boss' } },
          }),
        },
      ]),
    );

    const [boss, report] = response.body.Operations;
    assert.equal(report.status, '201');
    const stored = await scim(report.location, { token: fixture.token });
    assert.equal(stored.body[ENTERPRISE].manager.value, boss.location.split('/').at(-1));
  });

  test('unknown bulkId reference is 409', async () => {
    const response = await bulk(
      bulkOf([
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'g',
          data: {
            schemas: [GROUP_SCHEMA],
            displayName: name('Orphan '),
            members: [{ value: 'bulkId:nobody' }],
          },
        },
      ]),
    );

    assert.deepEqual(response.body.Operations, [
      {
        method: 'POST',
        bulkId: 'g',
        status: '409',
        response: {
          schemas: [ERROR_SCHEMA],
          status: '409',
          detail:
            'Operations[0] references bulkId "nobody", which no POST operation of this request declares',
        },
      },
    ]);
  });

  test('reference to a failed POST is 409', async () => {
    const displayName = name('After failure ');
    const response = await bulk(
      bulkOf([
        { method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: [] } },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'g',
          data: { schemas: [GROUP_SCHEMA], displayName, members: [{ value: 'bulkId:bad' }] },
        },
      ]),
    );

    const [user, group] = response.body.Operations;
    assert.equal(user.status, '400');
    assert.equal(user.location, undefined);
    assert.equal(group.status, '409');
    assert.equal(
      group.response.detail,
      'Operations[1] references bulkId "bad", whose POST operation failed',
    );
    assert.equal(await countGroups(displayName), 0);
  });

  test('failed operation leaves nothing behind', async () => {
    const user = await createUser();
    const displayName = name('Half ');
    const response = await bulk(
      bulkOf([
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'half',
          data: {
            schemas: [GROUP_SCHEMA],
            displayName,
            members: [{ value: user.id }, { value: '00000000-0000-4000-8000-000000000000' }],
          },
        },
        {
          method: 'PATCH',
          path: `/Users/${user.id}`,
          data: {
            schemas: [PATCH_OP],
            Operations: [
              { op: 'add', path: 'title', value: 'Set first' },
              { op: 'add', path: 'active', value: 'not a boolean' },
            ],
          },
        },
      ]),
    );

    const [group, patch] = response.body.Operations;
    assert.equal(group.status, '400');
    assert.equal(group.response.scimType, 'invalidValue');
    assert.equal(patch.status, '400');
    assert.equal(await countGroups(displayName), 0);
    const stored = await getResource(`/Users/${user.id}`);
    assert.equal(stored.body.title, undefined);
    assert.equal(stored.body.meta.version, user.meta.version);
  });

  test('duplicate bulkId is 400', async () => {
    const second = `${name('dup')}@x.test`;
    const response = await bulk(
      bulkOf([
        { method: 'POST', path: '/Users', bulkId: 'same', data: newUser(`${name('dup')}@x.test`) },
        { method: 'POST', path: '/Users', bulkId: 'same', data: newUser(second) },
      ]),
    );

    const [first, duplicate] = response.body.Operations;
    assert.equal(first.status, '201');
    assert.equal(duplicate.status, '400');
    assert.equal(duplicate.response.scimType, 'invalidValue');
    assert.equal(
      duplicate.response.detail,
      'Operations[1].bulkId "same" is already used by Operations[0]',
    );
    const found = await scim(`${base()}/Users?filter=userName eq "${second}"`, {
      token: fixture.token,
    });
    assert.equal(found.body.totalResults, 0);
  });

  test('circular references are 409', async () => {
    const nameA = name('Circle A ');
    const nameB = name('Circle B ');
    const response = await bulk(
      bulkOf([
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'a',
          data: { schemas: [GROUP_SCHEMA], displayName: nameA, members: [{ value: 'bulkId:b' }] },
        },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'b',
          data: { schemas: [GROUP_SCHEMA], displayName: nameB, members: [{ value: 'bulkId:a' }] },
        },
      ]),
    );

    const [a, b] = response.body.Operations;
    assert.equal(a.status, '409');
    assert.equal(b.status, '409');
    assert.equal(
      a.response.detail,
      'Operations[0] is part of a circle of bulkId references ("a" -> "b" -> "a"), which this server does not resolve',
    );
    assert.equal(await countGroups(nameA), 0);
    assert.equal(await countGroups(nameB), 0);
  });

  test('self reference is 409', async () => {
    const response = await bulk(
      bulkOf([
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'self',
          data: {
            schemas: [GROUP_SCHEMA],
            displayName: name('Self '),
            members: [{ value: 'bulkId:self' }],
          },
        },
      ]),
    );

    assert.equal(response.body.Operations[0].status, '409');
  });

  test('long reference chain completes', async () => {
    // Each group contains the next one; the last is created first, without recursion limits.
    const length = 300;
    const operations = Array.from({ length }, (_, index) => ({
      method: 'POST',
      path: '/Groups',
      bulkId: `chain${index}`,
      data: {
        schemas: [GROUP_SCHEMA],
        displayName: name('Chain '),
        members: index + 1 < length ? [{ value: `bulkId:chain${index + 1}` }] : [],
      },
    }));
    const response = await bulk(bulkOf(operations));

    assert.equal(response.status, 200);
    const statuses = response.body.Operations.map((result: { status: string }) => result.status);
    assert.deepEqual(statuses, Array(length).fill('201'));
  });

  test('failOnErrors stops processing', async () => {
    const skipped = `${name('skipped')}@x.test`;
    const response = await bulk(
      bulkOf(
        [
          { method: 'DELETE', path: '/Users/00000000-0000-4000-8000-000000000000' },
          { method: 'POST', path: '/Users', bulkId: 'x', data: { schemas: [] } },
          { method: 'POST', path: '/Users', bulkId: 'y', data: newUser(skipped) },
        ],
        { failOnErrors: 2 },
      ),
    );

    assert.equal(response.status, 200);
    const statuses = response.body.Operations.map((result: { status: string }) => result.status);
    assert.deepEqual(statuses, ['404', '400']);
    const found = await scim(`${base()}/Users?filter=userName eq "${skipped}"`, {
      token: fixture.token,
    });
    assert.equal(found.body.totalResults, 0);
  });

  test('without failOnErrors every operation runs', async () => {
    const response = await bulk(
      bulkOf([
        { method: 'DELETE', path: '/Users/00000000-0000-4000-8000-000000000000' },
        { method: 'POST', path: '/Users', bulkId: 'ok', data: newUser(`${name('ok')}@x.test`) },
      ]),
    );

    const statuses = response.body.Operations.map((result: { status: string }) => result.status);
    assert.deepEqual(statuses, ['404', '201']);
  });

  test('version mismatch is 412 per operation', async () => {
    const user = await createUser();
    const response = await bulk(
      bulkOf([
        {
          method: 'PUT',
          path: `/Users/${user.id}`,
          version: 'W/"7"',
          data: newUser(user.userName, { displayName: 'Stale' }),
        },
        {
          method: 'PATCH',
          path: `/Users/${user.id}`,
          version: user.meta.version,
          data: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'title', value: 'Fresh' }] },
        },
        { method: 'DELETE', path: `/Users/${user.id}`, version: 'W/"1"' },
      ]),
    );

    const [put, patch, remove] = response.body.Operations;
    assert.equal(put.status, '412');
    assert.equal(put.location, `${base()}/Users/${user.id}`);
    assert.equal(put.response.status, '412');
    assert.equal(patch.status, '200');
    assert.equal(remove.status, '412');
    const stored = await getResource(`/Users/${user.id}`);
    assert.equal(stored.body.displayName, undefined);
    assert.equal(stored.body.title, 'Fresh');
  });

  test('more than maxOperations is 413', async () => {
    const operations = Array.from({ length: BULK_MAX_OPERATIONS + 1 }, () => ({
      method: 'DELETE',
      path: '/Users/00000000-0000-4000-8000-000000000000',
    }));
    const response = await bulk(bulkOf(operations));

    assert.equal(response.status, 413);
    assert.deepEqual(response.body, {
      schemas: [ERROR_SCHEMA],
      status: '413',
      detail: `the request has ${BULK_MAX_OPERATIONS + 1} operations, more than maxOperations ${BULK_MAX_OPERATIONS}`,
    });
  });

  test('body over maxPayloadSize is 413', async () => {
    const padding = 'x'.repeat(BULK_MAX_PAYLOAD_SIZE);
    const response = await bulk(
      bulkOf([{ method: 'POST', path: '/Users', bulkId: 'big', data: newUser(padding) }]),
    );

    assert.equal(response.status, 413);
    assert.deepEqual(response.body, {
      schemas: [ERROR_SCHEMA],
      status: '413',
      detail: `the request body is larger than maxPayloadSize ${BULK_MAX_PAYLOAD_SIZE} bytes`,
    });
  });

  test('body above default limit is accepted', async () => {
    // 1.5 MiB: over the server's 1 MiB default body limit, under maxPayloadSize.
    const title = 'x'.repeat(1536 * 1024);
    const response = await bulk(
      bulkOf([
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'large',
          data: newUser(`${name('large')}@x.test`, { title }),
        },
      ]),
    );

    assert.equal(response.status, 200);
    assert.equal(response.body.Operations[0].status, '201');
  });

  test('envelope errors are 400 naming the field', async () => {
    const cases: [unknown, string, string][] = [
      [[], 'invalidSyntax', 'the request body must be a JSON object'],
      [{ Operations: [] }, 'invalidValue', `schemas must contain ${BULK_REQUEST}`],
      [{ schemas: [BULK_REQUEST] }, 'invalidValue', 'Operations is required'],
      [{ schemas: [BULK_REQUEST], Operations: {} }, 'invalidSyntax', 'Operations must be an array'],
      [
        bulkOf([], { failOnErrors: 0 }),
        'invalidValue',
        'failOnErrors must be an integer of at least 1',
      ],
      [
        bulkOf([], { failOnErrors: '1' }),
        'invalidValue',
        'failOnErrors must be an integer of at least 1',
      ],
    ];
    for (const [body, scimType, detail] of cases) {
      const response = await bulk(body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.deepEqual(response.body, { schemas: [ERROR_SCHEMA], status: '400', scimType, detail });
    }
  });

  test('invalid operations fail on their own', async () => {
    // 40 levels pass the server's JSON depth limit of 64 but not Bulk's limit on data of 32.
    const deep = `${'['.repeat(40)}${']'.repeat(40)}`;
    const body = JSON.stringify(
      bulkOf([
        'not an object',
        { method: 'GET', path: '/Users' },
        { method: 'POST', path: '/Users', data: newUser(`${name('n')}@x.test`) },
        { method: 'POST', path: '/Devices', bulkId: 'd', data: {} },
        { method: 'PUT', path: '/Users', data: newUser(`${name('n')}@x.test`) },
        { method: 'PATCH', path: '/Users/abc' },
        { method: 'DELETE', path: '/Users/abc', version: 7 },
        { method: 'POST', path: '/Users', bulkId: 'deep', data: { nested: 'DEEP' } },
      ]),
    ).replace('"DEEP"', deep);
    const response = await scim(`${base()}/Bulk`, {
      token: fixture.token,
      body,
      headers: { 'content-type': 'application/scim+json' },
    });

    const details = response.body.Operations.map(
      (result: { status: string; response: { detail: string } }) =>
        `${result.status} ${result.response.detail}`,
    );
    assert.deepEqual(details, [
      '400 Operations[0] must be a JSON object',
      '400 Operations[1].method must be POST, PUT, PATCH or DELETE',
      '400 Operations[2].bulkId is required for POST',
      '400 Operations[3].path must be /Users or /Groups for POST',
      '400 Operations[4].path must be /Users/{id} or /Groups/{id} for PUT',
      '400 Operations[5].data is required for PATCH',
      '400 Operations[6].version must be a string',
      '400 Operations[7].data is nested more than 32 levels deep',
    ]);
    assert.equal(response.body.Operations[1].method, 'GET');
  });

  test('empty Operations returns empty response', async () => {
    const response = await bulk(bulkOf([]));
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { schemas: [BULK_RESPONSE], Operations: [] });
  });

  test('other directory ids do not resolve', async () => {
    const user = await createUser();
    const other = await provisionClient(fixture.server.context.storage);
    const otherToken = await issueToken(fixture.server, other);
    const otherBase = baseUrl(fixture.server, other.directory.id);
    const response = await bulk(
      bulkOf([
        {
          method: 'PATCH',
          path: `/Users/${user.id}`,
          data: {
            schemas: [PATCH_OP],
            Operations: [{ op: 'add', path: 'title', value: 'Hijack' }],
          },
        },
        { method: 'DELETE', path: `/Users/${user.id}` },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'g',
          data: {
            schemas: [GROUP_SCHEMA],
            displayName: name('Foreign '),
            members: [{ value: user.id }],
          },
        },
      ]),
      otherToken,
      otherBase,
    );

    const statuses = response.body.Operations.map((result: { status: string }) => result.status);
    assert.deepEqual(statuses, ['404', '404', '400']);
    const stored = await getResource(`/Users/${user.id}`);
    assert.equal(stored.status, 200);
    assert.equal(stored.body.title, undefined);
  });

  test('token of another directory is 403', async () => {
    const other = await provisionClient(fixture.server.context.storage);
    const otherToken = await issueToken(fixture.server, other);
    const response = await bulk(bulkOf([]), otherToken);
    assert.equal(response.status, 403);
  });

  test('read-only token is 403', async () => {
    const readToken = await issueToken(fixture.server, fixture.provisioned, ['read:directory']);
    const response = await bulk(bulkOf([]), readToken);
    assert.equal(response.status, 403);
  });

  test('GET on Bulk is 405', async () => {
    const response = await scim(`${base()}/Bulk`, { token: fixture.token });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
  });

  test('each operation is audited', async () => {
    const requestId = `bulk-audit-${name('request')}`;
    const response = await scim(`${base()}/Bulk`, {
      token: fixture.token,
      headers: { 'x-request-id': requestId },
      body: bulkOf([
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'audited',
          data: newUser(`${name('au')}@x.test`),
        },
        { method: 'DELETE', path: '/Groups/00000000-0000-4000-8000-000000000000' },
      ]),
    });
    const userId = response.body.Operations[0].location.split('/').at(-1);

    const rows = await fixture.server.context.storage.db
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'reason', 'targets'])
      .where('request_id', '=', requestId)
      .orderBy('created_at')
      .orderBy('action')
      .execute();
    const events = rows.map((row) => ({
      action: row.action,
      outcome: row.outcome,
      reason: row.reason,
      targets: row.targets ? JSON.parse(row.targets) : null,
    }));
    assert.deepEqual(
      events.find((event) => event.action === 'scim.user.create'),
      {
        action: 'scim.user.create',
        outcome: 'success',
        reason: null,
        targets: { id: userId, bulkId: 'audited' },
      },
    );
    assert.deepEqual(
      events.find((event) => event.action === 'scim.group.delete'),
      {
        action: 'scim.group.delete',
        outcome: 'failure',
        reason: '404',
        targets: { id: '00000000-0000-4000-8000-000000000000' },
      },
    );
    assert.equal(events.length, 3);
  });

  test('1000 creates return 1000 statuses of 201', { timeout: 120_000 }, async () => {
    const prefix = name('thousand');
    const operations = Array.from({ length: 1000 }, (_, index) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `user${index}`,
      data: newUser(`${prefix}.${index}@example.com`, { displayName: `User ${index}` }),
    }));
    const response = await bulk(bulkOf(operations));

    assert.equal(response.status, 200);
    assert.equal(response.body.Operations.length, 1000);
    const created = response.body.Operations.filter(
      (result: { status: string }) => result.status === '201',
    );
    assert.equal(created.length, 1000);
    assert.equal(response.body.Operations[999].bulkId, 'user999');
    const found = await scim(`${base()}/Users?filter=userName eq "${prefix}.999@example.com"`, {
      token: fixture.token,
    });
    assert.equal(found.body.totalResults, 1);
  });
});
