import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient, signAssertion } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';
import {
  assertClientAuthFailure,
  assertionParams,
  assertTokenError,
  captureLogs,
  postRaw,
  requestToken,
} from './token-requests.js';

describeEachDatabase('token endpoint', (database) => {
  let server: RunningServer;
  let integrator: ProvisionedClient;
  const logs = captureLogs();

  before(async () => {
    server = await startTestServer(database(), {}, logs.logger);
    integrator = await provisionClient(server.context.storage, {
      scopes: ['manage:directory', 'read:directory'],
    });
  });
  after(async () => {
    await server.close();
  });

  function assertion(): Promise<string> {
    return signAssertion(integrator.key, integrator.client.clientId, server.url);
  }

  test('token by form body', async () => {
    const result = await requestToken(server.url, assertionParams(await assertion()));

    assert.equal(result.status, 200);
    assert.equal(result.body.token_type, 'Bearer');
    assert.equal(result.body.expires_in, 3600);
    assert.equal(result.body.scope, 'manage:directory read:directory');
    assert.equal(typeof result.body.access_token, 'string');
  });

  test('token by JSON body', async () => {
    const result = await requestToken(server.url, assertionParams(await assertion()), 'json');

    assert.equal(result.status, 200);
    assert.equal(result.body.token_type, 'Bearer');
    assert.equal(typeof result.body.access_token, 'string');
  });

  test('token verifies with the access token service', async () => {
    const result = await requestToken(server.url, assertionParams(await assertion()));
    const claims = await server.context.accessTokens.verify(String(result.body.access_token));

    assert.equal(claims.clientId, integrator.client.clientId);
    assert.equal(claims.serviceAccountId, integrator.serviceAccount.id);
    assert.equal(claims.orgId, integrator.orgId);
    assert.deepEqual(claims.scopes, ['manage:directory', 'read:directory']);
  });

  test('success disables caching', async () => {
    const result = await requestToken(server.url, assertionParams(await assertion()));

    assert.equal(result.status, 200);
    assert.equal(result.headers.get('cache-control'), 'no-store');
    assert.equal(result.headers.get('pragma'), 'no-cache');
  });

  test('error disables caching', async () => {
    const result = await requestToken(server.url, { grant_type: 'password' });

    assert.equal(result.status, 400);
    assert.equal(result.headers.get('cache-control'), 'no-store');
    assert.equal(result.headers.get('pragma'), 'no-cache');
  });

  test('client_id parameter equal to iss', async () => {
    const params = assertionParams(await assertion(), { client_id: integrator.client.clientId });
    const result = await requestToken(server.url, params);

    assert.equal(result.status, 200);
  });

  test('client_id parameter other than iss', async () => {
    const params = assertionParams(await assertion(), { client_id: 'scimd-someone-else' });
    const result = await requestToken(server.url, params);

    assertClientAuthFailure(result, logs, 'the client_id parameter differs from the assertion iss');
  });

  test('scope subset granted', async () => {
    const params = assertionParams(await assertion(), { scope: 'read:directory' });
    const result = await requestToken(server.url, params);

    assert.equal(result.status, 200);
    assert.equal(result.body.scope, 'read:directory');
    const claims = await server.context.accessTokens.verify(String(result.body.access_token));
    assert.deepEqual(claims.scopes, ['read:directory']);
  });

  test('scope not allowed for the client', async () => {
    const limited = await provisionClient(server.context.storage, { scopes: ['read:directory'] });
    const signed = await signAssertion(limited.key, limited.client.clientId, server.url);
    const result = await requestToken(
      server.url,
      assertionParams(signed, { scope: 'read:directory manage:directory' }),
    );

    assertTokenError(
      result,
      400,
      'invalid_scope',
      'the scope "manage:directory" is not allowed for this client; allowed: read:directory',
    );
  });

  test('unknown scope', async () => {
    const params = assertionParams(await assertion(), { scope: 'admin' });
    const result = await requestToken(server.url, params);

    assertTokenError(
      result,
      400,
      'invalid_scope',
      'the scope "admin" is not allowed for this client; allowed: manage:directory read:directory',
    );
  });

  test('missing grant_type', async () => {
    const { grant_type: _omitted, ...params } = assertionParams(await assertion());
    const result = await requestToken(server.url, params);

    assertTokenError(
      result,
      400,
      'invalid_request',
      'grant_type is missing; use one of: client_credentials',
    );
  });

  test('unsupported grant_type', async () => {
    const params = assertionParams(await assertion(), { grant_type: 'password' });
    const result = await requestToken(server.url, params);

    assertTokenError(
      result,
      400,
      'unsupported_grant_type',
      'grant_type "password" is not supported; use one of: client_credentials',
    );
  });

  test('wrong client_assertion_type', async () => {
    const params = assertionParams(await assertion(), {
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
    });
    const result = await requestToken(server.url, params);

    assertTokenError(
      result,
      400,
      'invalid_request',
      'client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
  });

  test('missing client_assertion_type', async () => {
    const { client_assertion_type: _omitted, ...params } = assertionParams(await assertion());
    const result = await requestToken(server.url, params);

    assertTokenError(
      result,
      400,
      'invalid_request',
      'client_assertion_type is missing; send urn:ietf:params:oauth:client-assertion-type:jwt-bearer with the client_assertion',
    );
  });

  test('missing client_assertion', async () => {
    const { client_assertion: _omitted, ...params } = assertionParams(await assertion());
    const result = await requestToken(server.url, params);

    assertTokenError(result, 400, 'invalid_request', 'client_assertion is missing');
  });

  test('no client authentication', async () => {
    const result = await requestToken(server.url, { grant_type: 'client_credentials' });

    assertTokenError(
      result,
      401,
      'invalid_client',
      'client authentication is required: send a signed client_assertion with client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer (private_key_jwt), or the client secret (client_secret_basic or client_secret_post)',
    );
  });

  test('unknown Basic client rejected with a challenge', async () => {
    const result = await postRaw(server.url, 'grant_type=client_credentials', {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('client:secret').toString('base64')}`,
    });

    assertClientAuthFailure(result, logs, 'unknown client');
    assert.equal(result.headers.get('www-authenticate'), 'Basic realm="scimd", charset="UTF-8"');
  });

  test('two authentication methods', async () => {
    const params = assertionParams(await assertion(), { client_secret: 'secret' });
    const result = await requestToken(server.url, params);

    assertTokenError(
      result,
      400,
      'invalid_request',
      'the request must use exactly one client authentication method',
    );
  });

  test('repeated parameter', async () => {
    const body = `${new URLSearchParams(assertionParams(await assertion()))}&grant_type=client_credentials`;
    const result = await postRaw(server.url, body, {
      'content-type': 'application/x-www-form-urlencoded',
    });

    assertTokenError(
      result,
      400,
      'invalid_request',
      'the parameter grant_type must have exactly one value',
    );
  });

  test('non-string JSON parameter', async () => {
    const body = JSON.stringify({ ...assertionParams(await assertion()), scope: 5 });
    const result = await postRaw(server.url, body, { 'content-type': 'application/json' });

    assertTokenError(result, 400, 'invalid_request', 'the parameter scope must be a string');
  });

  test('malformed JSON', async () => {
    const result = await postRaw(server.url, '{"grant_type":', {
      'content-type': 'application/json',
    });

    assertTokenError(result, 400, 'invalid_request', 'the request body is not valid JSON');
  });

  test('JSON array body', async () => {
    const result = await postRaw(server.url, '["client_credentials"]', {
      'content-type': 'application/json',
    });

    assertTokenError(
      result,
      400,
      'invalid_request',
      'the JSON request body must be an object of parameters',
    );
  });

  test('wrong content type', async () => {
    const result = await postRaw(server.url, 'grant_type=client_credentials', {
      'content-type': 'text/plain',
    });

    assertTokenError(
      result,
      400,
      'invalid_request',
      'the request body must be application/x-www-form-urlencoded or application/json',
    );
  });

  test('empty body', async () => {
    const result = await postRaw(server.url, undefined, {});

    assertTokenError(
      result,
      400,
      'invalid_request',
      'the request body must be application/x-www-form-urlencoded or application/json',
    );
  });

  test('multipart body', async () => {
    const form = new FormData();
    form.set('grant_type', 'client_credentials');
    const response = await fetch(`${server.url}/oauth/token`, { method: 'POST', body: form });

    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      error: 'invalid_request',
      error_description:
        'the request body must be application/x-www-form-urlencoded or application/json',
    });
  });

  test('GET on the token endpoint', async () => {
    const response = await fetch(`${server.url}/oauth/token`);

    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
    assert.deepEqual(await response.json(), {
      error: 'invalid_request',
      error_description: 'the token endpoint accepts only POST',
    });
  });
});
