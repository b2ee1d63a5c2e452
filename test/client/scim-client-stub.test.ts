import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GROUP_SCHEMA,
  type Group,
  PATCH_OP_SCHEMA,
  PatchBuilder,
  ScimClient,
  ScimError,
  USER_SCHEMA,
} from '../../src/client/index.js';
import {
  type StubReply,
  type StubRequest,
  type StubServer,
  startStubServer,
} from './stub-server.js';

const fast = { retries: 3, minDelayMs: 10, maxDelayMs: 5_000 };

/** Runs `body` against a stub SCIM server that replies with `handler`. */
async function withStub(
  handler: (request: StubRequest, index: number) => StubReply,
  body: (scim: ScimClient, stub: StubServer) => Promise<void>,
): Promise<void> {
  const stub = await startStubServer(handler);
  try {
    await body(
      new ScimClient({ baseUrl: `${stub.url}/scim/v2/`, token: 'stub-token', retry: fast }),
      stub,
    );
  } finally {
    await stub.close();
  }
}

const group: Group = {
  schemas: [GROUP_SCHEMA],
  id: 'g1',
  displayName: 'Engineering',
  members: [{ value: 'u1', type: 'User' }],
  meta: { version: 'W/"2"' },
};

describe('SCIM client against a stub', () => {
  test('create sends scim+json with the bearer token', async () => {
    await withStub(
      () => ({ status: 201, body: group }),
      async (scim, stub) => {
        const created = await scim.groups.create({
          schemas: [GROUP_SCHEMA],
          displayName: 'Engineering',
        });
        assert.equal(created.id, 'g1');

        const [request] = stub.requests;
        assert.equal(request!.method, 'POST');
        assert.equal(request!.url.pathname, '/scim/v2/Groups');
        assert.equal(request!.headers['content-type'], 'application/scim+json');
        assert.equal(request!.headers.authorization, 'Bearer stub-token');
        assert.equal(request!.body.displayName, 'Engineering');
      },
    );
  });

  test('replace sends PUT with If-Match', async () => {
    await withStub(
      () => ({ status: 200, body: group }),
      async (scim, stub) => {
        const replaced = await scim.groups.replace('g1', group, { ifMatch: 'W/"2"' });
        assert.equal(replaced.displayName, 'Engineering');

        const [request] = stub.requests;
        assert.equal(request!.method, 'PUT');
        assert.equal(request!.url.pathname, '/scim/v2/Groups/g1');
        assert.equal(request!.headers['if-match'], 'W/"2"');
      },
    );
  });

  test('patch builder produces a PatchOp', async () => {
    await withStub(
      () => ({ status: 204 }),
      async (scim, stub) => {
        const patch = new PatchBuilder()
          .add('members', [{ value: 'u2' }])
          .remove('members[value eq "u1"]')
          .replace(undefined, { displayName: 'Eng' });
        const result = await scim.groups.patch('g1', patch, { ifMatch: 'W/"2"' });
        assert.equal(result, undefined);

        const [request] = stub.requests;
        assert.equal(request!.method, 'PATCH');
        assert.equal(request!.headers['if-match'], 'W/"2"');
        assert.deepEqual(request!.body, {
          schemas: [PATCH_OP_SCHEMA],
          Operations: [
            { op: 'add', path: 'members', value: [{ value: 'u2' }] },
            { op: 'remove', path: 'members[value eq "u1"]' },
            { op: 'replace', value: { displayName: 'Eng' } },
          ],
        });
      },
    );
  });

  test('patch with operations returns the resource', async () => {
    await withStub(
      () => ({ status: 200, body: { ...group, displayName: 'Eng' } }),
      async (scim, stub) => {
        const result = await scim.groups.patch('g1', [
          { op: 'replace', path: 'displayName', value: 'Eng' },
        ]);
        assert.equal(result?.displayName, 'Eng');
        assert.deepEqual(stub.requests[0]!.body.schemas, [PATCH_OP_SCHEMA]);
      },
    );
  });

  test('remove without a path is rejected', () => {
    assert.throws(() => new PatchBuilder().remove(''), /a remove operation needs a path/);
  });

  test('delete sends DELETE with If-Match', async () => {
    await withStub(
      () => ({ status: 204 }),
      async (scim, stub) => {
        await scim.users.delete('u 1', { ifMatch: 'W/"7"' });
        const [request] = stub.requests;
        assert.equal(request!.method, 'DELETE');
        assert.equal(request!.url.pathname, '/scim/v2/Users/u%201');
        assert.equal(request!.headers['if-match'], 'W/"7"');
      },
    );
  });

  test('412 is ScimError with the detail', async () => {
    await withStub(
      () => ({
        status: 412,
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: '412',
          detail: 'the resource has changed',
        },
      }),
      async (scim) => {
        await assert.rejects(scim.users.delete('u1', { ifMatch: 'W/"1"' }), (error: unknown) => {
          assert.ok(error instanceof ScimError);
          assert.equal(error.status, 412);
          assert.equal(error.detail, 'the resource has changed');
          return true;
        });
      },
    );
  });

  test('cursor paging follows nextCursor', async () => {
    const pages: Record<string, { ids: string[]; next?: string }> = {
      '': { ids: ['a', 'b'], next: 'c2' },
      c2: { ids: ['c', 'd'], next: 'c3' },
      c3: { ids: ['e'] },
    };
    await withStub(
      (request) => {
        const page = pages[request.url.searchParams.get('cursor') ?? 'missing']!;
        return {
          status: 200,
          body: {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
            itemsPerPage: page.ids.length,
            Resources: page.ids.map((id) => ({ schemas: [USER_SCHEMA], id, userName: id })),
            ...(page.next ? { nextCursor: page.next } : {}),
          },
        };
      },
      async (scim, stub) => {
        const ids: string[] = [];
        for await (const user of scim.users.list({
          paging: 'cursor',
          count: 2,
          filter: 'active eq true',
        })) {
          ids.push(user.id!);
        }
        assert.deepEqual(ids, ['a', 'b', 'c', 'd', 'e']);
        assert.equal(stub.requests.length, 3);
        assert.equal(stub.requests[1]!.url.searchParams.get('filter'), 'active eq true');
        assert.equal(stub.requests[1]!.url.searchParams.get('count'), '2');
      },
    );
  });

  test('index paging stops on a short server', async () => {
    // A server that reports more results than it ever returns must not make the client loop forever.
    await withStub(
      (request) => {
        const start = Number(request.url.searchParams.get('startIndex'));
        const resources =
          start === 1 ? [{ schemas: [USER_SCHEMA], id: 'only', userName: 'o' }] : [];
        return {
          status: 200,
          body: {
            schemas: [],
            totalResults: 5,
            startIndex: start,
            itemsPerPage: resources.length,
            Resources: resources,
          },
        };
      },
      async (scim, stub) => {
        const ids: string[] = [];
        for await (const user of scim.users.list()) ids.push(user.id!);
        assert.deepEqual(ids, ['only']);
        assert.equal(stub.requests.length, 2);
        assert.equal(stub.requests[1]!.url.searchParams.get('startIndex'), '2');
      },
    );
  });

  test('index paging without totalResults ends on an empty page', async () => {
    await withStub(
      (request) => {
        const start = Number(request.url.searchParams.get('startIndex'));
        const resources =
          start <= 2 ? [{ schemas: [USER_SCHEMA], id: `u${start}`, userName: `u${start}` }] : [];
        return { status: 200, body: { schemas: [], Resources: resources } };
      },
      async (scim, stub) => {
        const ids: string[] = [];
        for await (const user of scim.users.list({ count: 1 })) ids.push(user.id!);
        assert.deepEqual(ids, ['u1', 'u2']);
        assert.equal(stub.requests.length, 3);
      },
    );
  });

  test('bulk sends a BulkRequest', async () => {
    await withStub(
      () => ({
        status: 200,
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkResponse'],
          Operations: [{ method: 'POST', bulkId: 'u', status: '201', location: '/Users/1' }],
        },
      }),
      async (scim, stub) => {
        const response = await scim.bulk(
          [
            {
              method: 'POST',
              bulkId: 'u',
              path: '/Users',
              data: { schemas: [USER_SCHEMA], userName: 'b' },
            },
            {
              method: 'POST',
              bulkId: 'g',
              path: '/Groups',
              data: { schemas: [GROUP_SCHEMA], displayName: 'G', members: [{ value: 'bulkId:u' }] },
            },
          ],
          { failOnErrors: 1 },
        );
        assert.equal(response.Operations[0]!.status, '201');

        const [request] = stub.requests;
        assert.equal(request!.url.pathname, '/scim/v2/Bulk');
        assert.deepEqual(request!.body.schemas, [
          'urn:ietf:params:scim:api:messages:2.0:BulkRequest',
        ]);
        assert.equal(request!.body.failOnErrors, 1);
        assert.equal(request!.body.Operations.length, 2);
      },
    );
  });

  test('GET is retried on 503 and 429', async () => {
    await withStub(
      (_request, index) =>
        index === 0
          ? { status: 503, headers: { 'retry-after': '0' } }
          : index === 1
            ? { status: 429, headers: { 'retry-after': '1' } }
            : { status: 200, body: group },
      async (scim, stub) => {
        const started = Date.now();
        const fetched = await scim.groups.get('g1');
        assert.equal(fetched.id, 'g1');
        assert.equal(stub.requests.length, 3);
        assert.ok(Date.now() - started >= 1000, 'waited for Retry-After');
      },
    );
  });

  test('POST is not retried on 500', async () => {
    await withStub(
      () => ({ status: 500, body: { schemas: [], status: '500', detail: 'boom' } }),
      async (scim, stub) => {
        await assert.rejects(scim.users.create({ schemas: [USER_SCHEMA], userName: 'x' }), {
          name: 'ScimError',
          status: 500,
          detail: 'boom',
        });
        assert.equal(stub.requests.length, 1);
      },
    );
  });

  test('POST is retried on 503', async () => {
    await withStub(
      (_request, index) => (index === 0 ? { status: 503 } : { status: 201, body: group }),
      async (scim, stub) => {
        await scim.groups.create({ schemas: [GROUP_SCHEMA], displayName: 'Engineering' });
        assert.equal(stub.requests.length, 2);
      },
    );
  });

  test('non-JSON error body becomes the detail', async () => {
    await withStub(
      () => ({ status: 502, body: 'Bad Gateway', contentType: 'text/plain' }),
      async (scim) => {
        await assert.rejects(scim.users.create({ schemas: [USER_SCHEMA], userName: 'x' }), {
          name: 'ScimError',
          status: 502,
          scimType: undefined,
          detail: 'Bad Gateway',
        });
      },
    );
  });
});

describe('SCIM client token refresh', () => {
  let stub: StubServer;
  before(async () => {
    stub = await startStubServer((request) =>
      request.headers.authorization === 'Bearer token-2'
        ? { status: 200, body: group }
        : { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
    );
  });
  after(() => stub.close());

  test('401 renews the token once', async () => {
    let issued = 0;
    let invalidated = 0;
    const tokens = {
      getToken: async () => `token-${issued === 0 ? ++issued : issued}`,
      invalidate: () => {
        invalidated += 1;
        issued += 1;
      },
    };
    const scim = new ScimClient({ baseUrl: stub.url, token: tokens, retry: fast });

    const fetched = await scim.groups.get('g1');

    assert.equal(fetched.id, 'g1');
    assert.equal(invalidated, 1);
    assert.equal(stub.requests.length, 2);
  });

  test('string token gets the 401 as ScimError', async () => {
    const scim = new ScimClient({ baseUrl: stub.url, token: 'token-1', retry: fast });
    await assert.rejects(scim.groups.get('g1'), (error: unknown) => {
      assert.ok(error instanceof ScimError);
      assert.equal(error.status, 401);
      assert.equal(error.detail, 'Bearer error="invalid_token"');
      return true;
    });
  });
});
