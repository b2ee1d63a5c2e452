import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import { createClient, deleteClient } from '../../src/directory/clients.js';
import { createServiceAccount } from '../../src/directory/service-accounts.js';
import { accessTokenAudience } from '../../src/oauth/access-token.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { provisionClient } from '../helpers/fixtures.js';
import {
  baseUrl,
  ERROR_SCHEMA,
  issueToken,
  newUser,
  SCIM_CONTENT_TYPE,
  scim,
  useScimServer,
} from './scim-client.js';

const NO_GRANT_DETAIL = 'the service account has no grant on this directory';

describeEachDatabase('SCIM authentication and authorization', (database) => {
  const fixture = useScimServer(database);

  /** Signs an access token with the server's key and the claims AccessTokenService.issue sets. */
  const signToken = async (claims: Record<string, unknown>) => {
    const signing = await fixture.server.context.serverKeys.currentSigningKey();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      client_id: fixture.provisioned.client.clientId,
      scope: 'manage:directory',
      service_account_id: fixture.provisioned.serviceAccount.id,
      org_id: fixture.provisioned.orgId,
      ...claims,
    })
      .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: 'at+jwt' })
      .setIssuer(fixture.server.url)
      .setSubject(fixture.provisioned.client.clientId)
      .setAudience(accessTokenAudience(fixture.server.url))
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .setJti(randomUUID())
      .sign(signing.key);
  };

  const assertError = (
    response: { status: number; body: Record<string, unknown>; headers: Headers },
    status: number,
  ) => {
    assert.equal(response.status, status);
    assert.equal(response.headers.get('content-type'), SCIM_CONTENT_TYPE);
    assert.deepEqual(response.body.schemas, [ERROR_SCHEMA]);
    assert.equal(response.body.status, String(status));
  };

  test('missing token is 401 with a bare challenge', async () => {
    const response = await scim(fixture.users);
    assertError(response, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="scimd"');
    assert.equal(response.body.detail, 'the request needs an Authorization: Bearer access token');
  });

  test('Basic credentials are 401 with a bare challenge', async () => {
    const response = await scim(fixture.users, {
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    assertError(response, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="scimd"');
  });

  test('missing token on POST is 401 before the body is read', async () => {
    const response = await scim(fixture.users, {
      body: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    assertError(response, 401);
  });

  test('garbage token is 401 invalid_token', async () => {
    const response = await scim(fixture.users, { token: 'not-a-jwt' });
    assertError(response, 401);
    assert.equal(
      response.headers.get('www-authenticate'),
      'Bearer realm="scimd", error="invalid_token", error_description="the access token is malformed"',
    );
    assert.equal(response.body.detail, 'the access token is malformed');
  });

  test('empty bearer token is 401 invalid_token', async () => {
    const response = await scim(fixture.users, { headers: { authorization: 'Bearer ' } });
    assertError(response, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  test('expired token is 401 invalid_token', async () => {
    const response = await scim(fixture.users, { token: await signToken({}) });
    assertError(response, 401);
    assert.equal(
      response.headers.get('www-authenticate'),
      'Bearer realm="scimd", error="invalid_token", error_description="the access token has expired"',
    );
    assert.equal(response.body.detail, 'the access token has expired');
  });

  test('token of a deleted client is 401', async () => {
    const doomed = await provisionClient(fixture.server.context.storage);
    const token = await issueToken(fixture.server, doomed);
    await deleteClient(fixture.server.context.storage, doomed.orgId, doomed.client.clientId);

    const response = await scim(`${baseUrl(fixture.server, doomed.directory.id)}/Users`, { token });
    assertError(response, 401);
    assert.equal(response.body.detail, 'the client of the access token no longer exists');
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  test('token of a disabled service account is 401', async () => {
    const disabled = await provisionClient(fixture.server.context.storage);
    const token = await issueToken(fixture.server, disabled);
    await fixture.server.context.storage.db
      .updateTable('service_accounts')
      .set({ disabled: 1 })
      .where('id', '=', disabled.serviceAccount.id)
      .execute();

    const response = await scim(`${baseUrl(fixture.server, disabled.directory.id)}/Users`, {
      token,
    });
    assertError(response, 401);
    assert.equal(
      response.body.detail,
      'the service account of the access token is disabled or deleted',
    );
  });

  test('read scope can list users', async () => {
    const token = await issueToken(fixture.server, fixture.provisioned, ['read:directory']);
    const response = await scim(fixture.users, { token });
    assert.equal(response.status, 200);
  });

  test('read scope on POST is 403 naming the scope', async () => {
    const token = await issueToken(fixture.server, fixture.provisioned, ['read:directory']);
    const response = await scim(fixture.users, { token, body: newUser('scope@example.com') });
    assertError(response, 403);
    assert.equal(response.body.detail, 'write requests need the scope manage:directory');
    assert.equal(
      response.headers.get('www-authenticate'),
      'Bearer realm="scimd", error="insufficient_scope", error_description="the access token lacks the scope this request needs", scope="manage:directory"',
    );
    const stored = await fixture.server.context.storage.db
      .selectFrom('scim_users')
      .select('id')
      .where('user_name_key', '=', 'scope@example.com')
      .execute();
    assert.equal(stored.length, 0);
  });

  test('token without directory scopes is 403 on GET', async () => {
    const token = await issueToken(fixture.server, fixture.provisioned, []);
    const response = await scim(fixture.users, { token });
    assertError(response, 403);
    assert.equal(
      response.body.detail,
      'read requests need the scope read:directory or manage:directory',
    );
  });

  test('read grant role on POST is 403 naming the role', async () => {
    const reader = await provisionClient(fixture.server.context.storage, { role: 'read' });
    const token = await issueToken(fixture.server, reader);
    const readerUsers = `${baseUrl(fixture.server, reader.directory.id)}/Users`;

    const post = await scim(readerUsers, { token, body: newUser('role@example.com') });
    assertError(post, 403);
    assert.equal(
      post.body.detail,
      'write requests need a grant with role manage; the grant on this directory has role read',
    );

    const get = await scim(readerUsers, { token });
    assert.equal(get.status, 200);
  });

  test('service account without a grant is 403', async () => {
    const account = await createServiceAccount(
      fixture.server.context.storage,
      fixture.provisioned.orgId,
      {
        name: `no-grant-${randomUUID().slice(0, 8)}`,
        role: 'user access admin',
      },
    );
    const client = await createClient(
      fixture.server.context.storage,
      fixture.provisioned.orgId,
      account.id,
      {
        name: 'no grant',
        scopes: ['manage:directory'],
      },
    );
    const token = await fixture.server.context.accessTokens.issue({
      clientId: client.clientId,
      serviceAccountId: account.id,
      orgId: fixture.provisioned.orgId,
      scopes: ['manage:directory'],
    });

    const response = await scim(fixture.users, { token });
    assertError(response, 403);
    assert.equal(response.body.detail, NO_GRANT_DETAIL);
  });

  test("other organization's directory is 403 like an unknown one", async () => {
    const other = await provisionClient(fixture.server.context.storage);
    const token = await issueToken(fixture.server, fixture.provisioned);

    const foreign = await scim(`${baseUrl(fixture.server, other.directory.id)}/Users`, { token });
    assertError(foreign, 403);
    assert.equal(foreign.body.detail, NO_GRANT_DETAIL);

    const unknown = await scim(`${baseUrl(fixture.server, randomUUID())}/Users`, { token });
    assertError(unknown, 403);
    assert.deepEqual(unknown.body, foreign.body);

    const malformed = await scim(`${baseUrl(fixture.server, '%00')}/Users`, { token });
    assertError(malformed, 403);
    assert.deepEqual(malformed.body, foreign.body);
  });

  test('ungranted account on its own directory is 403', async () => {
    const ungranted = await provisionClient(fixture.server.context.storage, { grant: false });
    const token = await issueToken(fixture.server, ungranted);
    const response = await scim(`${baseUrl(fixture.server, ungranted.directory.id)}/Users`, {
      token,
    });
    assertError(response, 403);
    assert.equal(response.body.detail, NO_GRANT_DETAIL);
  });
});
