import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { decodeJwt, SignJWT } from 'jose';
import { setClientKeys } from '../../src/directory/clients.js';
import {
  deleteServiceAccount,
  setServiceAccountDisabled,
} from '../../src/directory/service-accounts.js';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  generateIntegratorKey,
  type ProvisionedClient,
  provisionClient,
  signAssertion,
} from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';
import {
  assertClientAuthFailure,
  assertionParams,
  captureLogs,
  requestToken,
} from './token-requests.js';

const EXTRA_AUDIENCE = 'https://scimd.example/token';

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Encodes a JWT with an empty signature, for headers that the fixtures' keys cannot sign. */
function unsignedJwt(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  return `${encode(header)}.${encode(claims)}.`;
}

describeEachDatabase('private_key_jwt', (database) => {
  let server: RunningServer;
  let integrator: ProvisionedClient;
  const logs = captureLogs();

  before(async () => {
    server = await startTestServer(
      database(),
      { SCIMD_ASSERTION_AUDIENCES: EXTRA_AUDIENCE },
      logs.logger,
    );
    integrator = await provisionClient(server.context.storage);
  });
  after(async () => {
    await server.close();
  });

  /** Returns the claims of a valid assertion of the suite's client. */
  async function validClaims(): Promise<Record<string, unknown>> {
    return decodeJwt(await signAssertion(integrator.key, integrator.client.clientId, server.url));
  }

  async function tokenFor(
    overrides: Parameters<typeof signAssertion>[3] = {},
    provisioned = integrator,
  ) {
    const assertion = await signAssertion(
      provisioned.key,
      provisioned.client.clientId,
      server.url,
      overrides,
    );
    return requestToken(server.url, assertionParams(assertion));
  }

  test('issuer as audience', async () => {
    const result = await tokenFor();

    assert.equal(result.status, 200);
  });

  test('token endpoint as audience', async () => {
    const result = await tokenFor({ claims: { aud: `${server.url}/oauth/token` } });

    assert.equal(result.status, 200);
  });

  test('configured audience in an array', async () => {
    const result = await tokenFor({ claims: { aud: ['https://other.example', EXTRA_AUDIENCE] } });

    assert.equal(result.status, 200);
  });

  test('ES256 client', async () => {
    const es256 = await provisionClient(server.context.storage, { alg: 'ES256' });
    const result = await tokenFor({}, es256);

    assert.equal(result.status, 200);
  });

  test('EdDSA client', async () => {
    const eddsa = await provisionClient(server.context.storage, { alg: 'EdDSA' });
    const result = await tokenFor({ header: { typ: 'client-authentication+jwt' } }, eddsa);

    assert.equal(result.status, 200);
  });

  for (const alg of ['RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES384', 'ES512']) {
    test(`${alg} client`, async () => {
      const provisioned = await provisionClient(server.context.storage, { alg });
      const result = await tokenFor({}, provisioned);

      assert.equal(result.status, 200);
    });
  }

  test('altered signature byte', async () => {
    const assertion = await signAssertion(integrator.key, integrator.client.clientId, server.url);
    const signatureStart = assertion.lastIndexOf('.') + 1;
    const flipped = assertion[signatureStart] === 'A' ? 'B' : 'A';
    const altered = `${assertion.slice(0, signatureStart)}${flipped}${assertion.slice(signatureStart + 1)}`;
    const result = await requestToken(server.url, assertionParams(altered));

    assertClientAuthFailure(result, logs, 'signature verification failed');
  });

  test('signature outside base64url', async () => {
    const assertion = await signAssertion(integrator.key, integrator.client.clientId, server.url);
    const result = await requestToken(server.url, assertionParams(`${assertion}*`));

    assertClientAuthFailure(
      result,
      logs,
      'the client assertion signature is not base64url-encoded',
    );
  });

  test('no kid with one fitting key', async () => {
    const result = await tokenFor({ header: { kid: undefined } });

    assert.equal(result.status, 200);
  });

  test('bad signature', async () => {
    const impostor = await generateIntegratorKey('RS256', integrator.key.kid);
    const assertion = await signAssertion(impostor, integrator.client.clientId, server.url);
    const result = await requestToken(server.url, assertionParams(assertion));

    assertClientAuthFailure(result, logs, 'signature verification failed');
  });

  test('expired assertion', async () => {
    const now = nowSeconds();
    const result = await tokenFor({ claims: { iat: now - 600, exp: now - 120 } });

    assertClientAuthFailure(result, logs, 'the client assertion has expired');
  });

  test('expired within clock skew', async () => {
    const now = nowSeconds();
    const result = await tokenFor({ claims: { iat: now - 600, exp: now - 10 } });

    assert.equal(result.status, 200);
  });

  test('wrong audience', async () => {
    const result = await tokenFor({ claims: { aud: `${server.url}/scim` } });

    assertClientAuthFailure(
      result,
      logs,
      `the assertion audience must be "${server.url}" or "${server.url}/oauth/token" or "${EXTRA_AUDIENCE}"`,
    );
  });

  test('iss differs from sub', async () => {
    const result = await tokenFor({ claims: { sub: 'someone-else' } });

    assertClientAuthFailure(result, logs, 'iss and sub must both equal the client id');
  });

  test('replayed jti', async () => {
    const assertion = await signAssertion(integrator.key, integrator.client.clientId, server.url);
    const first = await requestToken(server.url, assertionParams(assertion));
    const second = await requestToken(server.url, assertionParams(assertion));

    assert.equal(first.status, 200);
    assertClientAuthFailure(second, logs, 'the client assertion was already used (jti replay)');
  });

  test('same jti from another client', async () => {
    const other = await provisionClient(server.context.storage);
    const jti = randomUUID();
    const first = await tokenFor({ claims: { jti } });
    const second = await tokenFor({ claims: { jti } }, other);

    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
  });

  test('unknown client', async () => {
    const result = await tokenFor({
      claims: { iss: 'scimd-unknown', sub: 'scimd-unknown' },
    });

    assertClientAuthFailure(result, logs, 'unknown client');
  });

  test('missing iss', async () => {
    const result = await tokenFor({ claims: { iss: undefined } });

    assertClientAuthFailure(result, logs, 'the client assertion has no iss');
  });

  test('unknown kid', async () => {
    const result = await tokenFor({ header: { kid: 'no-such-key' } });

    assertClientAuthFailure(
      result,
      logs,
      'unknown kid "no-such-key": no key with this kid is registered for the client',
    );
  });

  test('alg none', async () => {
    const assertion = unsignedJwt({ alg: 'none', typ: 'JWT' }, await validClaims());
    const result = await requestToken(server.url, assertionParams(assertion));

    assertClientAuthFailure(
      result,
      logs,
      "alg none is not allowed: sign the client assertion with the client's private key using one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA",
    );
  });

  test('HS256 assertion', async () => {
    const secret = new TextEncoder().encode('a shared secret of at least 32 bytes!');
    const assertion = await new SignJWT(await validClaims())
      .setProtectedHeader({ alg: 'HS256', kid: integrator.key.kid })
      .sign(secret);
    const result = await requestToken(server.url, assertionParams(assertion));

    assertClientAuthFailure(
      result,
      logs,
      "alg HS256 is not allowed: HMAC needs a shared secret; sign with the client's private key using one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA",
    );
  });

  test('alg not fitting the key', async () => {
    const ecKey = await generateIntegratorKey('ES256', integrator.key.kid);
    const assertion = await signAssertion(ecKey, integrator.client.clientId, server.url);
    const result = await requestToken(server.url, assertionParams(assertion));

    assertClientAuthFailure(
      result,
      logs,
      `the key "${integrator.key.kid}" cannot verify alg ES256: ES256 needs kty EC, but the key has kty RSA`,
    );
  });

  test('alg other than the key registration', async () => {
    const psKey = await generateIntegratorKey('PS256', integrator.key.kid);
    const assertion = await signAssertion(psKey, integrator.client.clientId, server.url);
    const result = await requestToken(server.url, assertionParams(assertion));

    assertClientAuthFailure(
      result,
      logs,
      `the key "${integrator.key.kid}" cannot verify alg PS256: the key is registered for alg RS256`,
    );
  });

  test('jku header', async () => {
    const result = await tokenFor({ header: { jku: `${server.url}/oauth/jwks` } });

    assertClientAuthFailure(
      result,
      logs,
      "the client assertion header must not contain jku: keys are taken only from the client's registered JWKS or jwks_uri",
    );
  });

  test('embedded jwk header', async () => {
    const result = await tokenFor({ header: { jwk: integrator.key.publicJwk } });

    assertClientAuthFailure(
      result,
      logs,
      "the client assertion header must not contain jwk: keys are taken only from the client's registered JWKS or jwks_uri",
    );
  });

  test('unknown crit header', async () => {
    const assertion = unsignedJwt(
      { alg: 'RS256', kid: integrator.key.kid, crit: ['exp-check'], 'exp-check': true },
      await validClaims(),
    );
    const result = await requestToken(server.url, assertionParams(`${assertion}c2ln`));

    assertClientAuthFailure(
      result,
      logs,
      'the client assertion header lists critical parameters (crit) that this server does not support: ["exp-check"]',
    );
  });

  test('access token type rejected', async () => {
    const result = await tokenFor({ header: { typ: 'at+jwt' } });

    assertClientAuthFailure(
      result,
      logs,
      'the client assertion typ "at+jwt" is not accepted; use JWT or client-authentication+jwt, or leave typ out',
    );
  });

  test('missing jti', async () => {
    const result = await tokenFor({ claims: { jti: undefined } });

    assertClientAuthFailure(
      result,
      logs,
      'the client assertion has no jti claim; give each assertion a unique jti',
    );
  });

  test('missing exp', async () => {
    const result = await tokenFor({ claims: { exp: undefined } });

    assertClientAuthFailure(result, logs, 'the client assertion has no exp claim');
  });

  test('exp too far ahead', async () => {
    const result = await tokenFor({ claims: { exp: nowSeconds() + 7200 } });

    assertClientAuthFailure(
      result,
      logs,
      'the client assertion exp is more than 3600 seconds in the future',
    );
  });

  test('nbf in the future', async () => {
    const result = await tokenFor({ claims: { nbf: nowSeconds() + 600 } });

    assertClientAuthFailure(result, logs, 'the client assertion is not valid yet (nbf)');
  });

  test('iat in the future', async () => {
    const result = await tokenFor({ claims: { iat: nowSeconds() + 600 } });

    assertClientAuthFailure(result, logs, 'the client assertion iat is in the future');
  });

  test('NUL character in iss', async () => {
    const result = await tokenFor({ claims: { iss: 'scimd-\u0000', sub: 'scimd-\u0000' } });

    assertClientAuthFailure(result, logs, 'unknown client');
  });

  test('NUL character in jti', async () => {
    const result = await tokenFor({ claims: { jti: 'jti-\u0000' } });

    assertClientAuthFailure(
      result,
      logs,
      'the jti claim must be a non-empty string of at most 255 characters, without control characters',
    );
  });

  test('overlong kid', async () => {
    const result = await tokenFor({ header: { kid: 'k'.repeat(201) } });

    assertClientAuthFailure(
      result,
      logs,
      'the client assertion kid must be a non-empty string of at most 200 characters',
    );
  });

  test('not a JWT', async () => {
    const result = await requestToken(server.url, assertionParams('not-a-jwt'));

    assertClientAuthFailure(
      result,
      logs,
      'the client assertion must be a signed JWT in compact serialization (three base64url parts)',
    );
  });

  test('disabled service account', async () => {
    const disabled = await provisionClient(server.context.storage);
    await server.context.storage.db
      .updateTable('service_accounts')
      .set({ disabled: 1 })
      .where('id', '=', disabled.serviceAccount.id)
      .execute();
    const result = await tokenFor({}, disabled);

    assertClientAuthFailure(result, logs, 'the service account of this client is disabled');
  });

  test('deleted service account', async () => {
    const deleted = await provisionClient(server.context.storage);
    await deleteServiceAccount(server.context.storage, deleted.orgId, deleted.serviceAccount.id);
    const result = await tokenFor({}, deleted);

    assertClientAuthFailure(result, logs, 'unknown client');
  });

  test('account disabled after a token', async () => {
    const provisioned = await provisionClient(server.context.storage);
    const first = await tokenFor({}, provisioned);
    await setServiceAccountDisabled(
      server.context.storage,
      provisioned.orgId,
      provisioned.serviceAccount.id,
      true,
    );
    const second = await tokenFor({}, provisioned);

    assert.equal(first.status, 200);
    assertClientAuthFailure(second, logs, 'the service account of this client is disabled');
  });

  test('key replaced after a token', async () => {
    const provisioned = await provisionClient(server.context.storage);
    const first = await tokenFor({}, provisioned);
    const replacement = await generateIntegratorKey('RS256');
    await setClientKeys(server.context.storage, provisioned.orgId, provisioned.client.clientId, {
      jwks: { keys: [replacement.publicJwk] },
      jwksUri: null,
    });
    const withOldKey = await tokenFor({}, provisioned);
    const withNewKey = await tokenFor({}, { ...provisioned, key: replacement });

    assert.equal(first.status, 200);
    assertClientAuthFailure(
      withOldKey,
      logs,
      `unknown kid ${JSON.stringify(provisioned.key.kid)}: no key with this kid is registered for the client`,
    );
    assert.equal(withNewKey.status, 200);
  });

  test('same kid with new key material', async () => {
    const provisioned = await provisionClient(server.context.storage);
    const first = await tokenFor({}, provisioned);
    const replacement = await generateIntegratorKey('RS256', provisioned.key.kid);
    await setClientKeys(server.context.storage, provisioned.orgId, provisioned.client.clientId, {
      jwks: { keys: [replacement.publicJwk] },
      jwksUri: null,
    });
    const withOldKey = await tokenFor({}, provisioned);

    assert.equal(first.status, 200);
    assertClientAuthFailure(withOldKey, logs, 'signature verification failed');
  });
});
