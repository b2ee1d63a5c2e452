import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { SignJWT } from 'jose';
import { accessTokenAudience } from '../../src/oauth/access-token.js';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { generateIntegratorKey, serveJwks, signAssertion } from '../helpers/fixtures.js';
import { adminRequest, requestJson } from '../helpers/http.js';
import { startTestServer } from '../helpers/server.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Sets up one integrator through the admin API, the way an organization admin would. */
async function setUpIntegrator(baseUrl: string, orgId: string, name: string, jwksUri: string) {
  const account = await adminRequest(baseUrl, 'POST', `/orgs/${orgId}/service-accounts`, {
    name,
    description: `${name} provisioning`,
    role: 'user access admin',
  });
  assert.equal(account.status, 201);

  const credentials = await adminRequest(
    baseUrl,
    'POST',
    `/orgs/${orgId}/service-accounts/${account.body.id}/credentials`,
    { name: `${name}-oauth`, scopes: ['manage:directory', 'read:directory'] },
  );
  assert.equal(credentials.status, 201);

  const keys = await adminRequest(
    baseUrl,
    'PUT',
    `/orgs/${orgId}/clients/${credentials.body.clientId}/keys`,
    { jwksUri },
  );
  assert.equal(keys.status, 200);
  return {
    serviceAccountId: account.body.id as string,
    clientId: credentials.body.clientId as string,
  };
}

describeEachDatabase('provisioning flow end to end', (database) => {
  let server: RunningServer;
  let jwks: Awaited<ReturnType<typeof serveJwks>>;
  let orgId: string;
  let directory: { id: string; scimBaseUrl: string };
  let integrator: { serviceAccountId: string; clientId: string };
  let outsider: { serviceAccountId: string; clientId: string };
  const key = generateIntegratorKey('RS256', 'idp-key-1');

  before(async () => {
    server = await startTestServer(database());
    jwks = await serveJwks([(await key).publicJwk]);

    const orgs = await adminRequest(server.url, 'GET', '/orgs');
    orgId = orgs.body.find((org: { name: string }) => org.name === 'default').id;

    const created = await adminRequest(server.url, 'POST', `/orgs/${orgId}/directories`, {
      name: 'apple_directory',
    });
    assert.equal(created.status, 201);
    directory = created.body;

    integrator = await setUpIntegrator(server.url, orgId, 'apple', jwks.url);
    outsider = await setUpIntegrator(server.url, orgId, 'outsider', jwks.url);

    const grant = await adminRequest(
      server.url,
      'POST',
      `/orgs/${orgId}/directories/${directory.id}/grants`,
      {
        serviceAccountId: integrator.serviceAccountId,
        role: 'manage',
      },
    );
    assert.equal(grant.status, 201);
  });

  after(async () => {
    await server.close();
    await jwks.close();
  });

  async function fetchToken(clientId: string, encoding: 'json' | 'form') {
    const assertion = await signAssertion(await key, clientId, `${server.url}/oauth/token`);
    const parameters = {
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion,
      scope: 'manage:directory',
    };
    return requestJson(`${server.url}/oauth/token`, {
      method: 'POST',
      body: encoding === 'json' ? parameters : new URLSearchParams(parameters).toString(),
      headers: {
        'content-type':
          encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
      },
    });
  }

  test('token from a JSON body', async () => {
    const response = await fetchToken(integrator.clientId, 'json');
    assert.equal(response.status, 200);
    assert.equal(response.body.token_type, 'Bearer');
    assert.equal(response.body.expires_in, 3600);
    assert.equal(response.body.scope, 'manage:directory');
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  test('token from a form body creates a user', async () => {
    const token = await fetchToken(integrator.clientId, 'form');
    assert.equal(token.status, 200);

    const created = await requestJson(`${directory.scimBaseUrl}/Users`, {
      method: 'POST',
      token: token.body.access_token,
      headers: { 'content-type': 'application/scim+json' },
      body: {
        schemas: [USER_SCHEMA],
        userName: 'ada.lovelace@example.com',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ value: 'ada.lovelace@example.com', type: 'work', primary: true }],
      },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.userName, 'ada.lovelace@example.com');
    assert.equal(
      created.headers.get('location'),
      `${directory.scimBaseUrl}/Users/${created.body.id}`,
    );
    assert.equal(created.headers.get('etag'), created.body.meta.version);

    const found = await requestJson(
      `${directory.scimBaseUrl}/Users?filter=${encodeURIComponent('userName eq "ADA.LOVELACE@example.com"')}`,
      { token: token.body.access_token },
    );
    assert.equal(found.status, 200);
    assert.equal(found.body.totalResults, 1);
    assert.equal(found.body.Resources[0].id, created.body.id);
  });

  test('SCIM without a token is 401', async () => {
    const response = await requestJson(`${directory.scimBaseUrl}/Users`);
    assert.equal(response.status, 401);
    assert.equal(response.body.status, '401');
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer /);
  });

  test('token of an account without grant is 403', async () => {
    const token = await fetchToken(outsider.clientId, 'form');
    assert.equal(token.status, 200);

    const response = await requestJson(`${directory.scimBaseUrl}/Users`, {
      method: 'POST',
      token: token.body.access_token,
      body: { schemas: [USER_SCHEMA], userName: 'mallory@example.com' },
    });
    assert.equal(response.status, 403);
    assert.equal(response.body.status, '403');
  });

  test('expired access token is 401', async () => {
    const signing = await server.context.serverKeys.currentSigningKey();
    const past = Math.floor(Date.now() / 1000) - 7200;
    const expired = await new SignJWT({
      client_id: integrator.clientId,
      scope: 'manage:directory',
      service_account_id: integrator.serviceAccountId,
      org_id: orgId,
    })
      .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: 'at+jwt' })
      .setIssuer(server.url)
      .setSubject(integrator.clientId)
      .setAudience(accessTokenAudience(server.url))
      .setIssuedAt(past)
      .setExpirationTime(past + 3600)
      .setJti(randomUUID())
      .sign(signing.key);

    const response = await requestJson(`${directory.scimBaseUrl}/Users`, { token: expired });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  test('revoked grant stops SCIM access', async () => {
    const token = await fetchToken(integrator.clientId, 'json');
    const grants = await adminRequest(
      server.url,
      'GET',
      `/orgs/${orgId}/directories/${directory.id}/grants`,
    );
    const grantId = grants.body[0].id;
    const revoked = await adminRequest(
      server.url,
      'DELETE',
      `/orgs/${orgId}/directories/${directory.id}/grants/${grantId}`,
    );
    assert.equal(revoked.status, 204);

    const response = await requestJson(`${directory.scimBaseUrl}/Users`, {
      token: token.body.access_token,
    });
    assert.equal(response.status, 403);
  });
});
