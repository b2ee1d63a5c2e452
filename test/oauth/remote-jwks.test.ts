import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setClientKeys } from '../../src/directory/clients.js';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  generateIntegratorKey,
  type ProvisionedClient,
  provisionClient,
  serveJwks,
  signAssertion,
} from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';
import {
  assertClientAuthFailure,
  assertionParams,
  captureLogs,
  requestToken,
} from './token-requests.js';

type JwksServer = Awaited<ReturnType<typeof serveJwks>>;

describeEachDatabase('jwks_uri clients', (database) => {
  let server: RunningServer;
  let integrator: ProvisionedClient;
  let jwks: JwksServer;
  const logs = captureLogs();

  before(async () => {
    server = await startTestServer(database(), {}, logs.logger);
    integrator = await provisionClient(server.context.storage);
    jwks = await serveJwks([integrator.key.publicJwk]);
    await setClientKeys(server.context.storage, integrator.orgId, integrator.client.clientId, {
      jwks: null,
      jwksUri: jwks.url,
    });
  });
  after(async () => {
    await server.close();
    await jwks.close();
  });

  async function tokenWith(key = integrator.key) {
    const assertion = await signAssertion(key, integrator.client.clientId, server.url);
    return requestToken(server.url, assertionParams(assertion));
  }

  // The tests in this suite run in order and share the client's cache entry.
  test('token with a key fetched from jwks_uri', async () => {
    const result = await tokenWith();

    assert.equal(result.status, 200);
    assert.equal(jwks.requests(), 1);
  });

  test('fetched keys cached', async () => {
    const result = await tokenWith();

    assert.equal(result.status, 200);
    assert.equal(jwks.requests(), 1);
  });

  test('rotated key accepted after refetch', async () => {
    const rotated = await generateIntegratorKey('ES256');
    jwks.setKeys([integrator.key.publicJwk, rotated.publicJwk]);
    const result = await tokenWith(rotated);

    assert.equal(result.status, 200);
    assert.equal(jwks.requests(), 2);
  });

  test('no kid with one fitting remote key', async () => {
    const assertion = await signAssertion(integrator.key, integrator.client.clientId, server.url, {
      header: { kid: undefined },
    });
    const result = await requestToken(server.url, assertionParams(assertion));

    assert.equal(result.status, 200);
    assert.equal(jwks.requests(), 2);
  });

  test('unknown kid refetched at most once per interval', async () => {
    const unpublished = await generateIntegratorKey('RS256');
    const result = await tokenWith(unpublished);

    assertClientAuthFailure(
      result,
      logs,
      `unknown kid "${unpublished.kid}": no key with this kid is registered for the client or published at its jwks_uri`,
    );
    assert.equal(jwks.requests(), 2);
  });

  test('weak RSA key at jwks_uri', async () => {
    const weak = await provisionClient(server.context.storage);
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weakJwks = await serveJwks([{ ...publicKey.export({ format: 'jwk' }), kid: 'weak' }]);
    await setClientKeys(server.context.storage, weak.orgId, weak.client.clientId, {
      jwks: null,
      jwksUri: weakJwks.url,
    });

    // jose refuses to sign with a short RSA key, so the assertion is signed with node:crypto.
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const clientId = weak.client.clientId;
    const signingInput = `${encode({ alg: 'RS256', kid: 'weak' })}.${encode({ iss: clientId, sub: clientId, aud: server.url, jti: 'weak-1', exp: now + 300 })}`;
    const signature = sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url');
    const result = await requestToken(server.url, assertionParams(`${signingInput}.${signature}`));
    await weakJwks.close();

    assertClientAuthFailure(
      result,
      logs,
      "the client's keys could not be fetched from its jwks_uri: the JWKS at the jwks_uri is invalid: jwks.keys[0]: RSA keys must have at least 2048 bits",
    );
  });

  test('failing jwks_uri', async () => {
    const failing = await provisionClient(server.context.storage);
    const broken = http.createServer((_request, response) => {
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    const { port } = broken.address() as AddressInfo;
    await setClientKeys(server.context.storage, failing.orgId, failing.client.clientId, {
      jwks: null,
      jwksUri: `http://127.0.0.1:${port}/jwks.json`,
    });

    const assertion = await signAssertion(failing.key, failing.client.clientId, server.url);
    const result = await requestToken(server.url, assertionParams(assertion));
    await new Promise<void>((resolve) => broken.close(() => resolve()));

    assertClientAuthFailure(
      result,
      logs,
      "the client's keys could not be fetched from its jwks_uri: the jwks_uri responded with status 500",
    );
  });
});

describeEachDatabase('jwks_uri without loopback', (database) => {
  let server: RunningServer;
  let integrator: ProvisionedClient;
  let jwks: JwksServer;
  const logs = captureLogs();

  before(async () => {
    server = await startTestServer(database(), { SCIMD_JWKS_ALLOW_LOOPBACK: 'false' }, logs.logger);
    integrator = await provisionClient(server.context.storage);
    jwks = await serveJwks([integrator.key.publicJwk]);
  });
  after(async () => {
    await server.close();
    await jwks.close();
  });

  async function tokenWithJwksUri(jwksUri: string) {
    await setClientKeys(server.context.storage, integrator.orgId, integrator.client.clientId, {
      jwks: null,
      jwksUri,
    });
    const assertion = await signAssertion(integrator.key, integrator.client.clientId, server.url);
    return requestToken(server.url, assertionParams(assertion));
  }

  test('http loopback URL refused', async () => {
    const result = await tokenWithJwksUri(jwks.url);

    assertClientAuthFailure(
      result,
      logs,
      "the client's keys could not be fetched from its jwks_uri: the jwks_uri must use https",
    );
    assert.equal(jwks.requests(), 0);
  });

  test('https loopback address refused', async () => {
    const result = await tokenWithJwksUri(jwks.url.replace('http:', 'https:'));

    assertClientAuthFailure(
      result,
      logs,
      "the client's keys could not be fetched from its jwks_uri: the jwks_uri host 127.0.0.1 resolves to a loopback address, which is not allowed",
    );
    assert.equal(jwks.requests(), 0);
  });

  test('localhost name refused', async () => {
    const port = new URL(jwks.url).port;
    const result = await tokenWithJwksUri(`https://localhost:${port}/jwks.json`);

    assertClientAuthFailure(
      result,
      logs,
      "the client's keys could not be fetched from its jwks_uri: the jwks_uri host localhost resolves to a loopback address, which is not allowed",
    );
    assert.equal(jwks.requests(), 0);
  });
});
