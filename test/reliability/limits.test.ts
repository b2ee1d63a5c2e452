import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MAX_CLIENT_ASSERTION_LENGTH } from '../../src/oauth/token-params.js';
import { MAX_PATCH_OPERATIONS } from '../../src/scim/patch/operations.js';
import { MAX_PROJECTION_NAMES } from '../../src/scim/schema/shape.js';
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from '../../src/server/json-body.js';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import type { ProvisionedClient } from '../helpers/fixtures.js';
import { requestJson } from '../helpers/http.js';
import { startScimFixture } from '../helpers/scim-fixture.js';
import { TEST_ADMIN_TOKEN } from '../helpers/server.js';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Builds a JSON text of `depth` levels: nested arrays inside an object's `value` field. */
function nested(depth: number): string {
  return `{"value":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
}

/** Builds a JSON object whose single string field makes the text longer than the body limit. */
function oversized(): string {
  return JSON.stringify({ filler: 'x'.repeat(MAX_BODY_BYTES + 1) });
}

describeEachDatabase('request limits', (database) => {
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

  async function countUsers(): Promise<number> {
    const row = await server.context.storage.db
      .selectFrom('scim_users')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('directory_id', '=', integrator.directory.id)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  test('SCIM body over 1 MiB is 413', async () => {
    const before = await countUsers();
    const response = await requestJson(`${scimBase}/Users`, {
      method: 'POST',
      token: accessToken,
      body: oversized(),
      headers: { 'content-type': 'application/scim+json' },
    });

    assert.equal(response.status, 413);
    assert.deepEqual(response.body.schemas, [SCIM_ERROR_SCHEMA]);
    assert.equal(response.body.status, '413');
    assert.match(response.body.detail, /1048576 bytes/);
    assert.equal(await countUsers(), before);
  });

  test('token body over 1 MiB is 413', async () => {
    const response = await requestJson(`${server.url}/oauth/token`, {
      method: 'POST',
      body: `grant_type=client_credentials&filler=${'x'.repeat(MAX_BODY_BYTES)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    assert.equal(response.status, 413);
    assert.equal(response.body.error, 'invalid_request');
    assert.match(response.body.error_description, /1 MiB/);
  });

  test('admin body over 1 MiB is 413', async () => {
    const response = await requestJson(`${server.url}/admin/v1/orgs`, {
      method: 'POST',
      token: TEST_ADMIN_TOKEN,
      body: oversized(),
    });

    assert.equal(response.status, 413);
    assert.equal(response.body.error, 'invalid_request');
    assert.match(response.body.message, /limit of 1048576 bytes/);
  });

  test('console body over 1 MiB is 413', async () => {
    const response = await requestJson(`${server.url}/console/api/session`, {
      method: 'POST',
      body: oversized(),
    });

    assert.equal(response.status, 413);
    assert.equal(response.body.error, 'invalid_request');
    assert.match(response.body.message, /limit of 1048576 bytes/);
  });

  test('SCIM JSON depth over limit is 400', async () => {
    const before = await countUsers();
    const response = await requestJson(`${scimBase}/Users`, {
      method: 'POST',
      token: accessToken,
      body: nested(MAX_JSON_DEPTH + 1),
      headers: { 'content-type': 'application/scim+json' },
    });

    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidSyntax');
    assert.match(response.body.detail, new RegExp(`limit of ${MAX_JSON_DEPTH} levels`));
    assert.equal(await countUsers(), before);
  });

  test('SCIM JSON at depth limit parses', async () => {
    const response = await requestJson(`${scimBase}/Users`, {
      method: 'POST',
      token: accessToken,
      body: nested(MAX_JSON_DEPTH),
      headers: { 'content-type': 'application/scim+json' },
    });

    // The body parses, and the resource check rejects it for what it contains instead.
    assert.equal(response.status, 400);
    assert.doesNotMatch(response.body.detail, /nested deeper/);
  });

  test('100 000 levels do not crash', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const responses = await Promise.all([
      requestJson(`${scimBase}/Users`, { method: 'POST', token: accessToken, body: deep }),
      requestJson(`${server.url}/admin/v1/orgs`, {
        method: 'POST',
        token: TEST_ADMIN_TOKEN,
        body: deep,
      }),
      requestJson(`${server.url}/console/api/session`, { method: 'POST', body: deep }),
      requestJson(`${server.url}/oauth/token`, { method: 'POST', body: deep }),
    ]);

    for (const response of responses) assert.equal(response.status, 400);
    assert.equal(responses[0]?.body.scimType, 'invalidSyntax');
    assert.equal(responses[1]?.body.error, 'invalid_request');
    assert.match(responses[1]?.body.message, /nested deeper/);
    assert.equal(responses[2]?.body.error, 'invalid_request');
    assert.equal(responses[3]?.body.error, 'invalid_request');

    const health = await requestJson(`${server.url}/healthz`);
    assert.equal(health.status, 200);
  });

  test('PATCH over operation limit is 400', async () => {
    const group = await requestJson(`${scimBase}/Groups`, {
      method: 'POST',
      token: accessToken,
      body: { schemas: [GROUP_SCHEMA], displayName: 'limit group' },
    });
    assert.equal(group.status, 201);
    const operation = { op: 'replace', path: 'displayName', value: 'renamed' };

    const rejected = await requestJson(`${scimBase}/Groups/${group.body.id}`, {
      method: 'PATCH',
      token: accessToken,
      body: {
        schemas: [PATCH_SCHEMA],
        Operations: Array.from({ length: MAX_PATCH_OPERATIONS + 1 }, () => operation),
      },
    });
    assert.equal(rejected.status, 400);
    assert.equal(rejected.body.scimType, 'invalidValue');
    assert.match(rejected.body.detail, /limit is 1000/);

    const unchanged = await requestJson(`${scimBase}/Groups/${group.body.id}`, {
      token: accessToken,
    });
    assert.equal(unchanged.body.displayName, 'limit group');

    const accepted = await requestJson(`${scimBase}/Groups/${group.body.id}`, {
      method: 'PATCH',
      token: accessToken,
      body: {
        schemas: [PATCH_SCHEMA],
        Operations: Array.from({ length: MAX_PATCH_OPERATIONS }, () => operation),
      },
    });
    assert.ok(accepted.status === 200 || accepted.status === 204);
  });

  test('attributes over name limit is 400', async () => {
    const names = Array.from({ length: MAX_PROJECTION_NAMES + 1 }, () => 'userName').join(',');
    for (const parameter of ['attributes', 'excludedAttributes']) {
      const response = await requestJson(`${scimBase}/Users?${parameter}=${names}`, {
        token: accessToken,
      });
      assert.equal(response.status, 400);
      assert.equal(response.body.scimType, 'invalidValue');
      assert.match(response.body.detail, new RegExp(`^${parameter} lists 101 names`));
    }

    const allowed = names.split(',').slice(1).join(',');
    const response = await requestJson(`${scimBase}/Users?attributes=${allowed}`, {
      token: accessToken,
    });
    assert.equal(response.status, 200);
  });

  test('count limit is advertised', async () => {
    const config = await requestJson(`${scimBase}/ServiceProviderConfig`, { token: accessToken });
    const maxResults = config.body.filter.maxResults;
    assert.equal(typeof maxResults, 'number');

    const page = await requestJson(`${scimBase}/Users?count=${maxResults + 1000}`, {
      token: accessToken,
    });
    assert.equal(page.status, 200);
    assert.ok(page.body.itemsPerPage <= maxResults);
  });

  test('long client assertion is invalid_request', async () => {
    const response = await requestJson(`${server.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: `${'a'.repeat(MAX_CLIENT_ASSERTION_LENGTH)}.b.c`,
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    assert.equal(response.status, 400);
    assert.equal(response.body.error, 'invalid_request');
    assert.match(response.body.error_description, /client_assertion is longer than 8192/);
  });
});
