import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { createClientAssertion, inferAlgorithm } from '../../src/client/index.js';

const AUDIENCE = 'http://127.0.0.1:8080';

describe('createClientAssertion', () => {
  test('claims follow RFC 7523', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const assertion = await createClientAssertion({
      clientId: 'client-1',
      audience: AUDIENCE,
      privateKey,
      kid: 'k1',
      lifetimeSeconds: 120,
    });

    const { payload, protectedHeader } = await jwtVerify(assertion, publicKey, {
      audience: AUDIENCE,
    });
    assert.equal(payload.iss, 'client-1');
    assert.equal(payload.sub, 'client-1');
    assert.equal(payload.exp! - payload.iat!, 120);
    assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(protectedHeader.kid, 'k1');
  });

  test('jti differs on every call', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const options = { clientId: 'c', audience: AUDIENCE, privateKey };
    const first = decodeJwt(await createClientAssertion(options));
    const second = decodeJwt(await createClientAssertion(options));
    assert.notEqual(first.jti, second.jti);
  });

  test('PEM keys sign with the implied algorithm', async () => {
    const cases = [
      { type: 'rsa', options: { modulusLength: 2048 }, alg: 'RS256' },
      { type: 'ec', options: { namedCurve: 'P-256' }, alg: 'ES256' },
      { type: 'ec', options: { namedCurve: 'P-384' }, alg: 'ES384' },
      { type: 'ed25519', options: {}, alg: 'EdDSA' },
    ] as const;
    for (const { type, options, alg } of cases) {
      const { privateKey, publicKey } = generateKeyPairSync(type as 'rsa', {
        ...(options as { modulusLength: number }),
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      });
      const assertion = await createClientAssertion({
        clientId: 'c',
        audience: AUDIENCE,
        privateKey,
      });
      assert.equal(decodeProtectedHeader(assertion).alg, alg, type);
      await assert.doesNotReject(jwtVerify(assertion, createPublicKey(publicKey)));
    }
  });

  test('RSA-PSS-only key is rejected', async () => {
    const { privateKey } = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    assert.throws(() => inferAlgorithm(privateKey), /RSA-PSS-only keys/);
  });

  test('PKCS #1 RSA PEM is accepted', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    assert.match(privateKey, /BEGIN RSA PRIVATE KEY/);
    const assertion = await createClientAssertion({
      clientId: 'c',
      audience: AUDIENCE,
      privateKey,
    });
    assert.equal(decodeProtectedHeader(assertion).alg, 'RS256');
  });

  test('JWK supplies alg and kid', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: 'jwk-kid' };
    const assertion = await createClientAssertion({
      clientId: 'c',
      audience: AUDIENCE,
      privateKey: jwk,
    });
    const header = decodeProtectedHeader(assertion);
    assert.equal(header.alg, 'ES256');
    assert.equal(header.kid, 'jwk-kid');
    await assert.doesNotReject(jwtVerify(assertion, publicKey));
  });

  test('KeyObject and CryptoKey infer the algorithm', async () => {
    const { privateKey: keyObject } = generateKeyPairSync('ec', { namedCurve: 'P-521' });
    assert.equal(inferAlgorithm(keyObject), 'ES512');
    const { privateKey: cryptoKey } = await generateKeyPair('PS384');
    assert.equal(inferAlgorithm(cryptoKey), 'PS384');
  });

  test('invalid lifetime is rejected', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    await assert.rejects(
      createClientAssertion({ clientId: 'c', audience: AUDIENCE, privateKey, lifetimeSeconds: 0 }),
      /lifetimeSeconds must be a positive integer, got 0/,
    );
  });
});
