import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type AuditEvent, pruneAuditEvents } from '../../src/directory/audit.js';
import type { RunningServer } from '../../src/server/start.js';
import { runScimd } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { generateIntegratorKey, type ProvisionedClient } from '../helpers/fixtures.js';
import { adminRequest } from '../helpers/http.js';
import { startTestServer, TEST_ADMIN_TOKEN } from '../helpers/server.js';
import { createScimUser, requestAccessToken } from './ops-client.js';

type Page = { events: AuditEvent[]; nextCursor: string | null };

describeEachDatabase('audit log', (database) => {
  let server: RunningServer;
  let orgId: string;
  let provisioned: ProvisionedClient;
  let createOrgRequestId: string;
  let scimUserId: string;

  const audit = (query = '') =>
    adminRequest<Page>(server.url, 'GET', `/orgs/${orgId}/audit${query}`);
  const findAction = async (action: string) => (await audit(`?action=${action}`)).body.events;

  before(async () => {
    server = await startTestServer(database());

    // The whole admin flow, through the API, so that each step is audited.
    const org = await fetch(`${server.url}/admin/v1/orgs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'audited' }),
    });
    createOrgRequestId = org.headers.get('x-request-id') ?? '';
    orgId = ((await org.json()) as { id: string }).id;

    const account = await adminRequest(server.url, 'POST', `/orgs/${orgId}/service-accounts`, {
      name: 'idp',
      role: 'user access admin',
    });
    const client = await adminRequest(
      server.url,
      'POST',
      `/orgs/${orgId}/service-accounts/${account.body.id}/credentials`,
      { name: 'idp', scopes: ['manage:directory'] },
    );
    const key = await generateIntegratorKey();
    await adminRequest(server.url, 'PUT', `/orgs/${orgId}/clients/${client.body.clientId}/keys`, {
      jwks: { keys: [key.publicJwk] },
    });
    const directory = await adminRequest(server.url, 'POST', `/orgs/${orgId}/directories`, {
      name: 'main',
    });
    const grant = await adminRequest(
      server.url,
      'POST',
      `/orgs/${orgId}/directories/${directory.body.id}/grants`,
      { serviceAccountId: account.body.id, role: 'manage' },
    );
    assert.equal(grant.status, 201);
    // Refused: the field is unknown.
    const refused = await adminRequest(server.url, 'POST', `/orgs/${orgId}/directories`, {
      name: 'x',
      colour: 'red',
    });
    assert.equal(refused.status, 400);

    provisioned = {
      orgId,
      serviceAccount: account.body,
      client: client.body,
      directory: directory.body,
      key,
    };
    const issued = await requestAccessToken(server.url, provisioned);
    assert.equal(issued.status, 200);
    const badScope = await requestAccessToken(server.url, provisioned, { scope: 'admin:all' });
    assert.equal(badScope.status, 400);

    const user = await createScimUser(
      server.url,
      directory.body.id,
      String(issued.body.access_token),
    );
    assert.equal(user.status, 201);
    scimUserId = user.body.id;
  });
  after(async () => {
    await server.close();
  });

  test('an organization is recorded with actor and request id', async () => {
    const [event] = await findAction('organization.create');
    assert.equal(event?.orgId, orgId);
    assert.equal(event?.actorType, 'admin');
    assert.equal(event?.actor, 'admin-token');
    assert.equal(event?.outcome, 'success');
    assert.equal(event?.requestId, createOrgRequestId);
    assert.match(event?.time ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  test('each admin write is recorded once', async () => {
    for (const action of [
      'service_account.create',
      'client.create',
      'client.keys.set',
      'directory.create',
      'grant.create',
    ]) {
      const events = (await findAction(action)).filter((event) => event.outcome === 'success');
      assert.equal(events.length, 1, action);
    }
  });

  test('a created object is a target', async () => {
    const [event] = await findAction('grant.create');
    assert.equal(event?.directoryId, provisioned.directory.id);
    assert.equal(event?.targets.directoryId, provisioned.directory.id);
    assert.match(event?.targets.createdId ?? '', /^[0-9a-f-]{36}$/);
  });

  test('a refused admin write is a failure with its code', async () => {
    const events = (await audit('?action=directory.create&outcome=failure')).body.events;
    assert.equal(events.length, 1);
    assert.equal(events[0]?.reason, 'invalid_field');
  });

  test('an issued token is recorded for its client', async () => {
    const events = (await audit('?action=token.issue&outcome=success')).body.events;
    assert.equal(events.length, 1);
    assert.equal(events[0]?.actorType, 'client');
    assert.equal(events[0]?.actor, provisioned.client.clientId);
    assert.equal(events[0]?.targets.serviceAccountId, provisioned.serviceAccount.id);
  });

  test('a refused token request is recorded with its reason', async () => {
    const events = (await audit('?action=token.issue&outcome=failure')).body.events;
    assert.equal(events.length, 1);
    assert.equal(events[0]?.reason, 'invalid_scope');
  });

  test('an unauthenticated token request is recorded without organization', async () => {
    const replay = await requestAccessToken(server.url, provisioned, { assertion: 'a.b.c' });
    assert.equal(replay.status, 401);
    const rows = await server.context.storage.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'token.issue')
      .where('actor_type', '=', 'anonymous')
      .execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.org_id, null);
    assert.equal(rows[0]?.reason, 'invalid_client');
  });

  test('a SCIM write is recorded with directory and resource id', async () => {
    const [event] = await findAction('scim.user.create');
    assert.equal(event?.actor, provisioned.client.clientId);
    assert.equal(event?.directoryId, provisioned.directory.id);
    assert.equal(event?.targets.id, scimUserId);
  });

  test('reads are not recorded', async () => {
    await adminRequest(server.url, 'GET', `/orgs/${orgId}/directories`);
    const events = (await audit('?limit=1000')).body.events;
    assert.equal(events.filter((event) => !event.action.includes('.')).length, 0);
    assert.equal(events.length, 10);
  });

  test('cursor paging walks every event once, newest first', async () => {
    const seen: AuditEvent[] = [];
    let cursor: string | null = null;
    do {
      const response: { status: number; body: Page } = await audit(
        `?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(response.status, 200);
      seen.push(...response.body.events);
      cursor = response.body.nextCursor;
    } while (cursor);

    assert.equal(seen.length, 10);
    assert.equal(new Set(seen.map((event) => event.id)).size, 10);
    const ids = seen.map((event) => event.id);
    assert.deepEqual(ids, [...ids].sort().reverse());
  });

  test('time filters bound the events', async () => {
    const future = (await audit('?since=2999-01-01T00:00:00Z')).body.events;
    assert.equal(future.length, 0);
    const past = (await audit('?until=2000-01-01T00:00:00Z')).body.events;
    assert.equal(past.length, 0);
  });

  test('an unknown parameter is a 400 naming it', async () => {
    const response = await audit('?actions=x');
    assert.equal(response.status, 400);
    assert.equal((response.body as unknown as { field: string }).field, 'actions');
  });

  test('a bad limit is a 400 naming it', async () => {
    const response = await audit('?limit=0');
    assert.equal(response.status, 400);
    assert.deepEqual(response.body, {
      error: 'invalid_field',
      message: 'limit: must be an integer from 1 to 1000',
      field: 'limit',
    });
  });

  test('a bad time is a 400 naming it', async () => {
    const response = await audit('?since=yesterday');
    assert.equal(response.status, 400);
    assert.equal((response.body as unknown as { field: string }).field, 'since');
  });

  test('an unknown organization is a 404', async () => {
    const response = await adminRequest(
      server.url,
      'GET',
      '/orgs/00000000-0000-0000-0000-000000000000/audit',
    );
    assert.equal(response.status, 404);
  });

  test('the audit route needs the admin token', async () => {
    const response = await fetch(`${server.url}/admin/v1/orgs/${orgId}/audit`);
    assert.equal(response.status, 401);
  });

  test('scimd audit export prints the events as JSON lines', async () => {
    const env: Record<string, string> = { SCIMD_DATA_DIR: database().dataDir };
    if (database().databaseUrl) env.SCIMD_DATABASE_URL = database().databaseUrl as string;
    const result = await runScimd(['audit', 'export', '--org', orgId], { env });
    assert.equal(result.code, 0, result.stderr);

    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEvent);
    const api = (await audit('?limit=1000')).body.events;
    assert.deepEqual(lines, api);
  });

  test('scimd audit export filters by action', async () => {
    const env: Record<string, string> = { SCIMD_DATA_DIR: database().dataDir };
    if (database().databaseUrl) env.SCIMD_DATABASE_URL = database().databaseUrl as string;
    const result = await runScimd(['audit', 'export', '--action', 'scim.user.create'], { env });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.equal(JSON.parse(lines[0] ?? '{}').targets.id, scimUserId);
  });

  test('pruning deletes only events older than the cutoff', async () => {
    const { db } = server.context.storage;
    await db
      .insertInto('audit_events')
      .values({
        id: '00000000-0000-7000-8000-000000000000',
        org_id: orgId,
        actor_type: 'system',
        actor: 'test',
        action: 'old.event',
        directory_id: null,
        target: null,
        targets: null,
        outcome: 'success',
        reason: null,
        request_id: null,
        created_at: '2020-01-01T00:00:00.000Z',
      })
      .execute();

    const deleted = await pruneAuditEvents(server.context.storage, '2021-01-01T00:00:00.000Z');
    assert.equal(deleted, 1);
    const left = (await audit('?limit=1000')).body.events;
    assert.equal(left.length, 10);
  });
});
