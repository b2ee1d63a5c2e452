import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { requestJson } from '../helpers/http.js';
import { startTestServer, TEST_ADMIN_TOKEN } from '../helpers/server.js';
import { ADMIN_PASSWORD, createTestAdmin, sessionRequest, signIn } from './console-client.js';

describeEachDatabase('console sessions', (database) => {
  let server: RunningServer;

  before(async () => {
    server = await startTestServer(database());
    await createTestAdmin(server.context.storage);
  });
  after(async () => {
    await server.close();
  });

  test('sign-in sets an HttpOnly SameSite=Strict cookie without Secure over http', async () => {
    const { response, session } = await signIn(server.url);

    assert.equal(response.status, 201);
    assert.equal(response.body.email, 'admin@example.com');
    assert.equal(typeof response.body.csrfToken, 'string');
    assert.match(session?.setCookie ?? '', /^scimd_session=[A-Za-z0-9_-]{43}; Path=\/; /);
    assert.match(session?.setCookie ?? '', /; HttpOnly; SameSite=Strict$/);
    assert.doesNotMatch(session?.setCookie ?? '', /Secure/);
  });

  test('sign-in with a wrong password is 401 and sets no cookie', async () => {
    const { response } = await signIn(server.url, 'admin@example.com', 'wrong password!!');

    assert.equal(response.status, 401);
    assert.deepEqual(response.body, {
      error: 'unauthorized',
      message: 'the email address or password is wrong',
    });
    assert.equal(response.headers.get('set-cookie'), null);
  });

  test('sign-in with an unknown email is the same 401', async () => {
    const { response } = await signIn(server.url, 'nobody@example.com');

    assert.equal(response.status, 401);
    assert.equal(response.body.message, 'the email address or password is wrong');
  });

  test('sign-in as a form post is refused', async () => {
    const response = await requestJson(`${server.url}/console/api/session`, {
      method: 'POST',
      body: `email=admin%40example.com&password=${encodeURIComponent(ADMIN_PASSWORD)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    // Only the OAuth endpoints parse form bodies, so a cross-site login form never reaches sign-in.
    assert.equal(response.status, 415);
    assert.equal(response.body.error, 'invalid_request');
  });

  test('the admin API accepts a session for reads without the CSRF header', async () => {
    const { session } = await signIn(server.url);

    const response = await sessionRequest(server.url, session!, 'GET', '/admin/v1/orgs', {
      csrf: false,
    });

    assert.equal(response.status, 200);
    assert.ok(Array.isArray(response.body));
  });

  test('a state change without the CSRF header is 403 and changes nothing', async () => {
    const { session } = await signIn(server.url);

    const response = await sessionRequest(server.url, session!, 'POST', '/admin/v1/orgs', {
      body: { name: 'csrf-missing' },
      csrf: false,
    });
    const orgs = await sessionRequest(server.url, session!, 'GET', '/admin/v1/orgs');

    assert.equal(response.status, 403);
    assert.equal(response.body.error, 'csrf_failed');
    assert.ok(!orgs.body.some((org: { name: string }) => org.name === 'csrf-missing'));
  });

  test('a state change with another session CSRF token is 403', async () => {
    const first = await signIn(server.url);
    const second = await signIn(server.url);

    const response = await sessionRequest(server.url, first.session!, 'POST', '/admin/v1/orgs', {
      body: { name: 'csrf-wrong' },
      csrf: second.session!.csrfToken,
    });

    assert.equal(response.status, 403);
    assert.equal(response.body.error, 'csrf_failed');
  });

  test('a state change with the CSRF header succeeds', async () => {
    const { session } = await signIn(server.url);

    const response = await sessionRequest(server.url, session!, 'POST', '/admin/v1/orgs', {
      body: { name: 'csrf-ok' },
    });

    assert.equal(response.status, 201);
    assert.equal(response.body.name, 'csrf-ok');
  });

  test('an expired session is refused with 401', async () => {
    const { session } = await signIn(server.url);
    await server.context.storage.db
      .updateTable('admin_sessions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();

    const response = await sessionRequest(server.url, session!, 'GET', '/admin/v1/orgs');
    const current = await sessionRequest(server.url, session!, 'GET', '/console/api/session');

    assert.equal(response.status, 401);
    assert.equal(response.body.error, 'unauthorized');
    assert.equal(current.status, 401);
  });

  test('sign-out ends the session and clears the cookie', async () => {
    const { session } = await signIn(server.url);

    const out = await sessionRequest(server.url, session!, 'DELETE', '/console/api/session');
    const after = await sessionRequest(server.url, session!, 'GET', '/admin/v1/orgs');

    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /^scimd_session=; Path=\/; Max-Age=0;/);
    assert.equal(after.status, 401);
  });

  test('sign-out without the CSRF header is 403 and keeps the session', async () => {
    const { session } = await signIn(server.url);

    const out = await sessionRequest(server.url, session!, 'DELETE', '/console/api/session', {
      csrf: false,
    });
    const still = await sessionRequest(server.url, session!, 'GET', '/admin/v1/orgs');

    assert.equal(out.status, 403);
    assert.equal(still.status, 200);
  });

  test('five wrong passwords lock the account, even for the right one', async () => {
    await createTestAdmin(server.context.storage, 'locked@example.com');
    for (let attempt = 1; attempt < 5; attempt += 1) {
      const { response } = await signIn(server.url, 'locked@example.com', 'wrong password!!');
      assert.equal(response.status, 401);
    }

    const fifth = await signIn(server.url, 'locked@example.com', 'wrong password!!');
    const right = await signIn(server.url, 'locked@example.com', ADMIN_PASSWORD);

    assert.equal(fifth.response.status, 429);
    assert.equal(fifth.response.headers.get('retry-after'), '30');
    assert.equal(right.response.status, 429);
    assert.equal(right.response.body.error, 'locked');
  });
});

describeEachDatabase('console setup', (database) => {
  let server: RunningServer;

  before(async () => {
    server = await startTestServer(database(), { SCIMD_PUBLIC_URL: 'https://scimd.example' });
  });
  after(async () => {
    await server.close();
  });

  // The public URL names a proxy in front of scimd; the test calls the bound port directly.
  const setup = (body: unknown) => {
    const { port } = server.app.server.address() as AddressInfo;
    return requestJson(`http://127.0.0.1:${port}/console/api/setup`, { method: 'POST', body });
  };

  test('setup with a wrong admin token is 401 and creates no admin', async () => {
    const response = await setup({
      adminToken: 'wrong-token-0123456789',
      email: 'first@example.com',
      password: ADMIN_PASSWORD,
    });

    assert.equal(response.status, 401);
    assert.equal(response.body.field, 'adminToken');
  });

  test('setup with a short password is 400 naming password', async () => {
    const response = await setup({
      adminToken: TEST_ADMIN_TOKEN,
      email: 'first@example.com',
      password: 'short',
    });

    assert.equal(response.status, 400);
    assert.equal(response.body.field, 'password');
  });

  test('setup creates admin with Secure cookie', async () => {
    const response = await setup({
      adminToken: TEST_ADMIN_TOKEN,
      email: 'First@Example.com',
      password: ADMIN_PASSWORD,
    });

    assert.equal(response.status, 201);
    assert.equal(response.body.email, 'first@example.com');
    assert.match(response.headers.get('set-cookie') ?? '', /; HttpOnly; SameSite=Strict; Secure$/);
  });

  test('setup is refused once an admin exists', async () => {
    const response = await setup({
      adminToken: TEST_ADMIN_TOKEN,
      email: 'second@example.com',
      password: ADMIN_PASSWORD,
    });

    assert.equal(response.status, 409);
    assert.equal(response.body.error, 'conflict');
  });
});
