import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient } from '../helpers/fixtures.js';
import { requestJson } from '../helpers/http.js';
import { startTestServer, TEST_ADMIN_TOKEN } from '../helpers/server.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const RUNS = 120;

/** Attribute names that servers see, so that generated bodies reach the validators. */
const ATTRIBUTE_NAMES = [
  'userName',
  'name',
  'givenName',
  'name.familyName',
  'emails',
  'emails[type eq "work"].value',
  'active',
  'displayName',
  'members',
  'externalId',
  'id',
  'meta',
  'groups',
  'password',
  'schemas',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
  'title',
  'x509Certificates',
];
const attributeName = fc.oneof(fc.constantFrom(...ATTRIBUTE_NAMES), fc.string({ maxLength: 30 }));
const anyValue = fc.jsonValue({ maxDepth: 4 });

/** Filter-like text: pieces of the grammar in random order, plus plain noise. */
const filterText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc
    .array(
      fc.oneof(
        attributeName,
        fc.constantFrom(
          'eq',
          'ne',
          'co',
          'sw',
          'ew',
          'gt',
          'ge',
          'lt',
          'le',
          'pr',
          'and',
          'or',
          'not',
        ),
        fc.constantFrom('(', ')', '[', ']', '"', '\\', ' '),
        fc.string({ maxLength: 8 }).map((text) => JSON.stringify(text)),
        fc.oneof(fc.integer(), fc.double(), fc.constantFrom('true', 'false', 'null')).map(String),
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(' ')),
);

describeEachDatabase('hostile input never breaks the server', (database) => {
  let server: RunningServer;
  let integrator: ProvisionedClient;
  let accessToken: string;
  let scimBase: string;
  let userId: string;

  before(async () => {
    server = await startTestServer(database());
    integrator = await provisionClient(server.context.storage);
    accessToken = await server.context.accessTokens.issue({
      clientId: integrator.client.clientId,
      serviceAccountId: integrator.serviceAccount.id,
      orgId: integrator.orgId,
      scopes: ['manage:directory'],
    });
    scimBase = `${server.url}/scim/directory/${integrator.directory.id}`;
    const user = await requestJson(`${scimBase}/Users`, {
      method: 'POST',
      token: accessToken,
      body: {
        schemas: [USER_SCHEMA],
        userName: 'target@example.com',
        emails: [{ value: 'a@example.com', type: 'work' }],
      },
    });
    assert.equal(user.status, 201);
    userId = user.body.id;
  });
  after(async () => {
    await server.close();
  });

  async function countUsers(): Promise<number> {
    const rows = await server.context.storage.db
      .selectFrom('scim_users')
      .select('id')
      .where('directory_id', '=', integrator.directory.id)
      .execute();
    return rows.length;
  }

  test('user create answers 4xx and stores nothing', async () => {
    const body = fc.oneof(
      anyValue,
      fc
        .dictionary(attributeName, anyValue, { maxKeys: 6 })
        .map((attributes) => ({ schemas: [USER_SCHEMA], ...attributes })),
    );
    await fc.assert(
      fc.asyncProperty(body, async (candidate) => {
        const before = await countUsers();
        const response = await requestJson(`${scimBase}/Users`, {
          method: 'POST',
          token: accessToken,
          body: JSON.stringify(candidate),
          headers: { 'content-type': 'application/scim+json' },
        });
        assert.ok(
          response.status < 500,
          `POST answered ${response.status}: ${JSON.stringify(response.body)}`,
        );
        if (response.status !== 201) assert.equal(await countUsers(), before);
      }),
      { numRuns: RUNS },
    );
  });

  test('user PATCH answers 4xx and changes nothing', async () => {
    const operation = fc.record(
      {
        op: fc.oneof(
          fc.constantFrom('add', 'replace', 'remove', 'Add', 'REPLACE'),
          fc.string({ maxLength: 8 }),
        ),
        path: fc.oneof(attributeName, filterText),
        value: anyValue,
      },
      { requiredKeys: ['op'] },
    );
    const body = fc.record({
      schemas: fc.constant(['urn:ietf:params:scim:api:messages:2.0:PatchOp']),
      Operations: fc.array(operation, { maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(body, async (candidate) => {
        const before = await requestJson(`${scimBase}/Users/${userId}`, { token: accessToken });
        const response = await requestJson(`${scimBase}/Users/${userId}`, {
          method: 'PATCH',
          token: accessToken,
          body: candidate,
        });
        assert.ok(
          response.status < 500,
          `PATCH answered ${response.status}: ${JSON.stringify(response.body)}`,
        );
        if (response.status >= 400) {
          const after = await requestJson(`${scimBase}/Users/${userId}`, { token: accessToken });
          assert.deepEqual(after.body, before.body);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('filters answer 200 or 400', async () => {
    await fc.assert(
      fc.asyncProperty(filterText, async (filter) => {
        const response = await requestJson(
          `${scimBase}/Users?filter=${encodeURIComponent(filter)}`,
          { token: accessToken },
        );
        assert.ok(
          [200, 400].includes(response.status),
          `filter ${JSON.stringify(filter)} answered ${response.status}: ${JSON.stringify(response.body)}`,
        );
        if (response.status === 400) assert.equal(response.body.scimType, 'invalidFilter');
      }),
      { numRuns: RUNS },
    );
  });

  test('token endpoint never answers 2xx or 5xx', async () => {
    const jwtLike = fc
      .tuple(anyValue, anyValue, fc.string({ maxLength: 40 }))
      .map(([header, payload, signature]) =>
        [JSON.stringify(header), JSON.stringify(payload)]
          .map((part) => Buffer.from(part).toString('base64url'))
          .concat(signature)
          .join('.'),
      );
    const params = fc.record(
      {
        grant_type: fc.oneof(fc.constant('client_credentials'), fc.string({ maxLength: 20 })),
        client_assertion_type: fc.oneof(
          fc.constant('urn:ietf:params:oauth:client-assertion-type:jwt-bearer'),
          fc.string({ maxLength: 20 }),
        ),
        client_assertion: fc.oneof(jwtLike, fc.string({ maxLength: 60 })),
        client_id: fc.oneof(fc.constant(integrator.client.clientId), fc.string({ maxLength: 20 })),
        scope: fc.string({ maxLength: 30 }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(params, anyValue), async (candidate) => {
        const response = await requestJson(`${server.url}/oauth/token`, {
          method: 'POST',
          body: JSON.stringify(candidate),
          headers: { 'content-type': 'application/json' },
        });
        assert.ok(
          response.status >= 400 && response.status < 500,
          `token answered ${response.status}: ${JSON.stringify(response.body)}`,
        );
        assert.equal(typeof response.body.error, 'string');
      }),
      { numRuns: RUNS },
    );
  });

  test('admin bodies answer 4xx or 201', async () => {
    const body = fc.oneof(
      anyValue,
      fc.dictionary(fc.constantFrom('name', 'description', 'role', 'scopes', 'x'), anyValue, {
        maxKeys: 4,
      }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (candidate) => {
        const response = await requestJson(
          `${server.url}/admin/v1/orgs/${integrator.orgId}/service-accounts`,
          {
            method: 'POST',
            token: TEST_ADMIN_TOKEN,
            body: JSON.stringify(candidate),
            headers: { 'content-type': 'application/json' },
          },
        );
        assert.ok(
          response.status < 500,
          `admin answered ${response.status}: ${JSON.stringify(response.body)}`,
        );
      }),
      { numRuns: RUNS },
    );
  });
});
