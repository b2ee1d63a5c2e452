import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader, exportJWK, type JWK, SignJWT } from 'jose';
import {
  setClientAssertionAlgorithms,
  setClientDisabled,
} from '../../src/directory/client-auth.js';
import { deleteClient, setClientKeys } from '../../src/directory/clients.js';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  generateIntegratorKey,
  type IntegratorKey,
  type ProvisionedClient,
  provisionClient,
  signAssertion,
} from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';
import {
  assertionParams,
  CLIENT_AUTH_FAILED,
  captureLogs,
  requestToken,
  type TokenResult,
} from './token-requests.js';

const ALIAS = 'https://scimd.example/oauth/token';
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
const ALGORITHM_LIST = ALGORITHMS.join(', ');
const FETCH_FAILED = "the client's keys could not be fetched from its jwks_uri: ";

/** The servers of the suite, all on one database: the default one, a twin, a strict one, one without loopback JWKS. */
interface Servers {
  main: RunningServer;
  twin: RunningServer;
  strict: RunningServer;
  noLoopback: RunningServer;
}

interface Context extends Servers {
  jwksUrl: string;
  /** Serves `keys` at a new path of the local JWKS server and returns its URL. */
  publish(keys: JWK[]): { url: string; set(keys: JWK[]): void };
}

/** One rule: the request that breaks it and the exact response. */
interface Case {
  name: string;
  run(context: Context): Promise<TokenResult>;
  status: number;
  /** `error` of the response; absent for a success. */
  error?: string;
  /** Cause in the server log for invalid_client; the public text then names no cause. */
  reason?: string | RegExp;
  /** Public description, for responses that state one. */
  description?: string;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Encodes a JWT with the given signature bytes, for headers and signatures jose will not make. */
function rawJwt(header: object, claims: object, signature = ''): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  return `${encode(header)}.${encode(claims)}.${signature}`;
}

async function client(server: RunningServer, alg = 'RS256'): Promise<ProvisionedClient> {
  return provisionClient(server.context.storage, { alg, scopes: ['manage:directory'] });
}

async function tokenFor(
  server: RunningServer,
  provisioned: ProvisionedClient,
  overrides: Parameters<typeof signAssertion>[3] = {},
  extra: Record<string, string> = {},
  key: IntegratorKey = provisioned.key,
): Promise<TokenResult> {
  const assertion = await signAssertion(key, provisioned.client.clientId, server.url, overrides);
  return requestToken(server.url, assertionParams(assertion, extra));
}

/** Creates a client whose only key is served at the local JWKS server. */
async function remoteClient(context: Context, server: RunningServer, path: string, alg = 'RS256') {
  const provisioned = await client(server, alg);
  await setClientKeys(server.context.storage, provisioned.orgId, provisioned.client.clientId, {
    jwks: null,
    jwksUri: `${context.jwksUrl}${path}`,
  });
  return provisioned;
}

async function withKeys(server: RunningServer, keys: JWK[], alg = 'ES256') {
  const provisioned = await client(server, alg);
  await setClientKeys(server.context.storage, provisioned.orgId, provisioned.client.clientId, {
    jwks: { keys },
    jwksUri: null,
  });
  return provisioned;
}

const accepted: Case[] = ALGORITHMS.map((alg) => ({
  name: `${alg} accepted`,
  run: async ({ main }) => tokenFor(main, await client(main, alg)),
  status: 200,
}));

const headerRules: Case[] = [
  {
    name: 'alg none',
    run: async ({ main }) => {
      const provisioned = await client(main);
      const claims = decodeJwt(
        await signAssertion(provisioned.key, provisioned.client.clientId, main.url),
      );
      return requestToken(main.url, assertionParams(rawJwt({ alg: 'none' }, claims)));
    },
    status: 401,
    error: 'invalid_client',
    reason: `alg none is not allowed: sign the client assertion with the client's private key using one of ${ALGORITHM_LIST}`,
  },
  ...['HS256', 'HS384', 'HS512'].map(
    (alg): Case => ({
      name: `${alg} with the public key as secret`,
      run: async ({ main }) => {
        const provisioned = await client(main);
        const secret = new TextEncoder().encode(JSON.stringify(provisioned.key.publicJwk));
        const assertion = await new SignJWT(
          decodeJwt(await signAssertion(provisioned.key, provisioned.client.clientId, main.url)),
        )
          .setProtectedHeader({ alg, kid: provisioned.key.kid })
          .sign(secret);
        return requestToken(main.url, assertionParams(assertion));
      },
      status: 401,
      error: 'invalid_client',
      reason: `alg ${alg} is not allowed: HMAC needs a shared secret; sign with the client's private key using one of ${ALGORITHM_LIST}`,
    }),
  ),
  {
    name: 'unsupported alg',
    run: async ({ main }) => {
      const provisioned = await client(main);
      const claims = decodeJwt(
        await signAssertion(provisioned.key, provisioned.client.clientId, main.url),
      );
      return requestToken(main.url, assertionParams(rawJwt({ alg: 'ES256K' }, claims, 'c2ln')));
    },
    status: 401,
    error: 'invalid_client',
    reason: `alg "ES256K" is not supported; use one of ${ALGORITHM_LIST}`,
  },
  ...['jku', 'x5u', 'jwk'].map(
    (name): Case => ({
      name: `${name} header`,
      run: async ({ main }) => {
        const provisioned = await client(main);
        const value = name === 'jwk' ? provisioned.key.publicJwk : `${main.url}/oauth/jwks`;
        return tokenFor(main, provisioned, { header: { [name]: value } });
      },
      status: 401,
      error: 'invalid_client',
      reason: `the client assertion header must not contain ${name}: keys are taken only from the client's registered JWKS or jwks_uri`,
    }),
  ),
  {
    name: 'unknown crit header',
    run: async ({ main }) => {
      const provisioned = await client(main);
      const claims = decodeJwt(
        await signAssertion(provisioned.key, provisioned.client.clientId, main.url),
      );
      const jwt = rawJwt(
        { alg: 'RS256', kid: provisioned.key.kid, crit: ['x'], x: 1 },
        claims,
        'c2ln',
      );
      return requestToken(main.url, assertionParams(jwt));
    },
    status: 401,
    error: 'invalid_client',
    reason:
      'the client assertion header lists critical parameters (crit) that this server does not support: ["x"]',
  },
  {
    name: 'typ of an access token',
    run: async ({ main }) => tokenFor(main, await client(main), { header: { typ: 'at+jwt' } }),
    status: 401,
    error: 'invalid_client',
    reason:
      'the client assertion typ "at+jwt" is not accepted; use JWT or client-authentication+jwt, or leave typ out',
  },
  {
    name: 'typ client-authentication+jwt accepted',
    run: async ({ main }) =>
      tokenFor(main, await client(main), { header: { typ: 'client-authentication+jwt' } }),
    status: 200,
  },
  {
    name: 'ECDSA signature in DER form',
    run: async ({ main }) => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const kid = `der-${randomUUID()}`;
      const provisioned = await withKeys(main, [
        { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
      ]);
      const now = nowSeconds();
      const id = provisioned.client.clientId;
      const unsigned = rawJwt(
        { alg: 'ES256', kid },
        { iss: id, sub: id, aud: main.url, iat: now, exp: now + 60, jti: randomUUID() },
      ).slice(0, -1);
      const der = sign('sha256', Buffer.from(unsigned), { key: privateKey, dsaEncoding: 'der' });
      return requestToken(main.url, assertionParams(`${unsigned}.${der.toString('base64url')}`));
    },
    status: 401,
    error: 'invalid_client',
    reason: 'signature verification failed',
  },
  {
    name: 'alg off the server allow-list',
    run: async ({ strict }) => tokenFor(strict, await client(strict, 'RS256')),
    status: 401,
    error: 'invalid_client',
    reason: "alg RS256 is not on the server's allow-list",
  },
  {
    name: 'alg off the client allow-list',
    run: async ({ main }) => {
      const provisioned = await client(main);
      await setClientAssertionAlgorithms(
        main.context.storage,
        provisioned.orgId,
        provisioned.client.clientId,
        ['PS256'],
      );
      return tokenFor(main, provisioned);
    },
    status: 401,
    error: 'invalid_client',
    reason: "alg RS256 is not on the client's allow-list",
  },
];

const keyRules: Case[] = [
  {
    name: 'key type not fitting alg',
    run: async ({ main }) => {
      const rsa = await generateIntegratorKey('RS256', 'rsa-key');
      const provisioned = await withKeys(main, [rsa.publicJwk], 'RS256');
      const ecKey = await generateIntegratorKey('ES256', 'rsa-key');
      return tokenFor(main, provisioned, {}, {}, ecKey);
    },
    status: 401,
    error: 'invalid_client',
    reason:
      'the key "rsa-key" cannot verify alg ES256: ES256 needs kty EC, but the key has kty RSA',
  },
  {
    name: 'curve not fitting alg',
    run: async ({ main }) => {
      const p256 = await generateIntegratorKey('ES256', 'p256');
      const { alg: _alg, ...unbound } = p256.publicJwk;
      const provisioned = await withKeys(main, [unbound]);
      const p384 = await generateIntegratorKey('ES384', 'p256');
      return tokenFor(main, provisioned, {}, {}, p384);
    },
    status: 401,
    error: 'invalid_client',
    reason:
      'the key "p256" cannot verify alg ES384: ES384 needs curve P-384, but the key has crv P-256',
  },
  {
    name: 'alg other than the key registration',
    run: async ({ main }) => {
      const rsa = await generateIntegratorKey('RS256', 'rs-key');
      const provisioned = await withKeys(main, [rsa.publicJwk], 'RS256');
      const psKey = await generateIntegratorKey('PS256', 'rs-key');
      return tokenFor(main, provisioned, {}, {}, psKey);
    },
    status: 401,
    error: 'invalid_client',
    reason: 'the key "rs-key" cannot verify alg PS256: the key is registered for alg RS256',
  },
  {
    name: 'key registered for encryption',
    run: async ({ main }) => {
      const key = await generateIntegratorKey('ES256', 'enc-key');
      const provisioned = await withKeys(main, [{ ...key.publicJwk, use: 'enc' }]);
      return tokenFor(main, provisioned, {}, {}, key);
    },
    status: 401,
    error: 'invalid_client',
    reason: 'the key "enc-key" cannot verify alg ES256: the key is registered for use enc, not sig',
  },
  {
    name: 'key_ops without verify',
    run: async ({ main }) => {
      const key = await generateIntegratorKey('ES256', 'ops-key');
      const { use: _use, ...withoutUse } = key.publicJwk;
      const provisioned = await withKeys(main, [{ ...withoutUse, key_ops: ['encrypt'] }]);
      return tokenFor(main, provisioned, {}, {}, key);
    },
    status: 401,
    error: 'invalid_client',
    reason:
      'the key "ops-key" cannot verify alg ES256: the key_ops of the key do not include verify',
  },
  {
    name: 'no kid and several fitting keys',
    run: async ({ main }) => {
      const first = await generateIntegratorKey('ES256', 'one');
      const second = await generateIntegratorKey('ES256', 'two');
      const provisioned = await withKeys(main, [first.publicJwk, second.publicJwk]);
      return tokenFor(main, provisioned, { header: { kid: undefined } }, {}, first);
    },
    status: 401,
    error: 'invalid_client',
    description:
      'the client assertion header has no kid and several registered keys fit alg ES256; set kid to the key used',
  },
  {
    name: 'no kid and no fitting key',
    run: async ({ main }) => {
      const provisioned = await client(main, 'RS256');
      const ecKey = await generateIntegratorKey('ES256');
      return tokenFor(main, provisioned, { header: { kid: undefined } }, {}, ecKey);
    },
    status: 401,
    error: 'invalid_client',
    reason: 'no key registered for the client fits alg ES256',
  },
  {
    name: 'unknown kid',
    run: async ({ main }) => tokenFor(main, await client(main), { header: { kid: 'nope' } }),
    status: 401,
    error: 'invalid_client',
    reason: 'unknown kid "nope": no key with this kid is registered for the client',
  },
];

const claimRules: Case[] = [
  {
    name: 'iss other than the client',
    run: async ({ main }) => {
      const provisioned = await client(main);
      const other = await client(main);
      return tokenFor(main, provisioned, { claims: { iss: other.client.clientId } });
    },
    status: 401,
    error: 'invalid_client',
    reason: /^unknown kid "key-[0-9a-f-]+": no key with this kid is registered for the client$/,
  },
  {
    name: 'sub other than the client',
    run: async ({ main }) => tokenFor(main, await client(main), { claims: { sub: 'someone' } }),
    status: 401,
    error: 'invalid_client',
    reason: 'iss and sub must both equal the client id',
  },
  {
    name: 'client_id parameter other than iss',
    run: async ({ main }) => tokenFor(main, await client(main), {}, { client_id: 'scimd-other' }),
    status: 401,
    error: 'invalid_client',
    reason: 'the client_id parameter differs from the assertion iss',
  },
  {
    name: 'configured audience alias accepted',
    run: async ({ main }) => tokenFor(main, await client(main), { claims: { aud: ALIAS } }),
    status: 200,
  },
  {
    name: 'foreign audience',
    run: async ({ main }) =>
      tokenFor(main, await client(main), { claims: { aud: 'https://elsewhere.example' } }),
    status: 401,
    error: 'invalid_client',
    reason:
      /^the assertion audience must be "http:\/\/127\.0\.0\.1:\d+" or "http:\/\/127\.0\.0\.1:\d+\/oauth\/token" or "https:\/\/scimd\.example\/oauth\/token"$/,
  },
  {
    name: 'missing audience',
    run: async ({ main }) => tokenFor(main, await client(main), { claims: { aud: undefined } }),
    status: 401,
    error: 'invalid_client',
    reason: /^the assertion audience must be /,
  },
  {
    name: 'strict audience accepts the issuer',
    run: async ({ strict }) => tokenFor(strict, await client(strict, 'ES256')),
    status: 200,
  },
  {
    name: 'strict audience refuses the token endpoint',
    run: async ({ strict }) =>
      tokenFor(strict, await client(strict, 'ES256'), {
        claims: { aud: `${strict.url}/oauth/token` },
      }),
    status: 401,
    error: 'invalid_client',
    reason: /^the assertion audience must be the single string "http:\/\/127\.0\.0\.1:\d+"$/,
  },
  {
    name: 'strict audience refuses an array',
    run: async ({ strict }) =>
      tokenFor(strict, await client(strict, 'ES256'), { claims: { aud: [strict.url] } }),
    status: 401,
    error: 'invalid_client',
    reason: /^the assertion audience must be the single string /,
  },
  {
    name: 'missing exp',
    run: async ({ main }) => tokenFor(main, await client(main), { claims: { exp: undefined } }),
    status: 401,
    error: 'invalid_client',
    reason: 'the client assertion has no exp claim',
  },
  {
    name: 'exp not a number',
    run: async ({ main }) => tokenFor(main, await client(main), { claims: { exp: 'soon' } }),
    status: 401,
    error: 'invalid_client',
    reason: 'the exp claim must be a number of seconds since the epoch',
  },
  {
    name: 'expired beyond the clock skew',
    run: async ({ main }) =>
      tokenFor(main, await client(main), {
        claims: { iat: nowSeconds() - 600, exp: nowSeconds() - 61 },
      }),
    status: 401,
    error: 'invalid_client',
    reason: 'the client assertion has expired',
  },
  {
    name: 'expired within the clock skew accepted',
    run: async ({ main }) =>
      tokenFor(main, await client(main), {
        claims: { iat: nowSeconds() - 600, exp: nowSeconds() - 30 },
      }),
    status: 200,
  },
  {
    name: 'exp beyond the maximum lifetime',
    run: async ({ main }) =>
      tokenFor(main, await client(main), { claims: { exp: nowSeconds() + 3600 + 120 } }),
    status: 401,
    error: 'invalid_client',
    reason: 'the client assertion exp is more than 3600 seconds in the future',
  },
  {
    name: 'nbf beyond the clock skew',
    run: async ({ main }) =>
      tokenFor(main, await client(main), { claims: { nbf: nowSeconds() + 120 } }),
    status: 401,
    error: 'invalid_client',
    reason: 'the client assertion is not valid yet (nbf)',
  },
  {
    name: 'iat beyond the clock skew',
    run: async ({ main }) =>
      tokenFor(main, await client(main), { claims: { iat: nowSeconds() + 120 } }),
    status: 401,
    error: 'invalid_client',
    reason: 'the client assertion iat is in the future',
  },
  {
    name: 'missing jti',
    run: async ({ main }) => tokenFor(main, await client(main), { claims: { jti: undefined } }),
    status: 401,
    error: 'invalid_client',
    reason: 'the client assertion has no jti claim; give each assertion a unique jti',
  },
  {
    name: 'jti replayed in one process',
    run: async ({ main }) => {
      const provisioned = await client(main);
      const assertion = await signAssertion(provisioned.key, provisioned.client.clientId, main.url);
      const first = await requestToken(main.url, assertionParams(assertion));
      assert.equal(first.status, 200);
      return requestToken(main.url, assertionParams(assertion));
    },
    status: 401,
    error: 'invalid_client',
    reason: 'the client assertion was already used (jti replay)',
  },
  {
    name: 'jti replayed across two processes',
    run: async ({ main, twin }) => {
      const provisioned = await client(main);
      const assertion = await signAssertion(provisioned.key, provisioned.client.clientId, ALIAS);
      const first = await requestToken(main.url, assertionParams(assertion));
      assert.equal(first.status, 200);
      return requestToken(twin.url, assertionParams(assertion));
    },
    status: 401,
    error: 'invalid_client',
    reason: 'the client assertion was already used (jti replay)',
  },
];

const clientRules: Case[] = [
  {
    name: 'unknown client',
    run: async ({ main }) =>
      tokenFor(main, await client(main), { claims: { iss: 'scimd-nobody', sub: 'scimd-nobody' } }),
    status: 401,
    error: 'invalid_client',
    reason: 'unknown client',
  },
  {
    name: 'deleted client',
    run: async ({ main }) => {
      const provisioned = await client(main);
      await deleteClient(main.context.storage, provisioned.orgId, provisioned.client.clientId);
      return tokenFor(main, provisioned);
    },
    status: 401,
    error: 'invalid_client',
    reason: 'unknown client',
  },
  {
    name: 'disabled client',
    run: async ({ main }) => {
      const provisioned = await client(main);
      await setClientDisabled(
        main.context.storage,
        provisioned.orgId,
        provisioned.client.clientId,
        true,
      );
      return tokenFor(main, provisioned);
    },
    status: 401,
    error: 'invalid_client',
    reason: 'the client is disabled',
  },
  {
    name: 'disabled service account',
    run: async ({ main }) => {
      const provisioned = await client(main);
      await main.context.storage.db
        .updateTable('service_accounts')
        .set({ disabled: 1 })
        .where('id', '=', provisioned.serviceAccount.id)
        .execute();
      return tokenFor(main, provisioned);
    },
    status: 401,
    error: 'invalid_client',
    reason: 'the service account of this client is disabled',
  },
];

const requestRules: Case[] = [
  {
    name: 'unknown client_assertion_type',
    run: async ({ main }) =>
      tokenFor(main, await client(main), {}, { client_assertion_type: 'urn:example:saml' }),
    status: 400,
    error: 'invalid_request',
    description:
      'client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  },
  {
    name: 'two authentication methods',
    run: async ({ main }) => tokenFor(main, await client(main), {}, { client_secret: 'x' }),
    status: 400,
    error: 'invalid_request',
    description: 'the request must use exactly one client authentication method',
  },
  {
    name: 'grant type other than client_credentials',
    run: async ({ main }) =>
      tokenFor(main, await client(main), {}, { grant_type: 'authorization_code' }),
    status: 400,
    error: 'unsupported_grant_type',
    description: 'grant_type "authorization_code" is not supported; use one of: client_credentials',
  },
  {
    name: 'scope beyond the client',
    run: async ({ main }) =>
      tokenFor(main, await client(main), {}, { scope: 'manage:directory read:directory' }),
    status: 400,
    error: 'invalid_scope',
    description:
      'the scope "read:directory" is not allowed for this client; allowed: manage:directory',
  },
];

const jwksRules: Case[] = [
  {
    name: 'client key rotation picked up by refetch',
    run: async (context) => {
      const provisioned = await client(context.main);
      const published = context.publish([provisioned.key.publicJwk]);
      await setClientKeys(
        context.main.context.storage,
        provisioned.orgId,
        provisioned.client.clientId,
        {
          jwks: null,
          jwksUri: published.url,
        },
      );
      assert.equal((await tokenFor(context.main, provisioned)).status, 200);

      const rotated = await generateIntegratorKey('ES256');
      published.set([rotated.publicJwk]);
      return tokenFor(context.main, provisioned, {}, {}, rotated);
    },
    status: 200,
  },
  {
    name: 'server key rotation keeps issued tokens valid',
    run: async ({ main }) => {
      const provisioned = await client(main);
      const before = await tokenFor(main, provisioned);
      const oldKid = decodeProtectedHeader(String(before.body.access_token)).kid;
      await main.context.serverKeys.rotate({ publishSeconds: 0, retireAfterSeconds: 3660 });

      const after = await tokenFor(main, provisioned);
      assert.notEqual(decodeProtectedHeader(String(after.body.access_token)).kid, oldKid);
      const claims = await main.context.accessTokens.verify(String(before.body.access_token));
      assert.equal(claims.clientId, provisioned.client.clientId);
      return after;
    },
    status: 200,
  },
  {
    name: 'jwks_uri answering 500',
    run: async (context) =>
      tokenFor(context.main, await remoteClient(context, context.main, '/status-500')),
    status: 401,
    error: 'invalid_client',
    reason: `${FETCH_FAILED}the jwks_uri responded with status 500`,
  },
  {
    name: 'jwks_uri not answering in time',
    run: async (context) =>
      tokenFor(context.strict, await remoteClient(context, context.strict, '/slow', 'ES256')),
    status: 401,
    error: 'invalid_client',
    reason: `${FETCH_FAILED}fetching the JWKS timed out after 300 ms`,
  },
  {
    name: 'jwks_uri body over the size limit',
    run: async (context) =>
      tokenFor(context.strict, await remoteClient(context, context.strict, '/large', 'ES256')),
    status: 401,
    error: 'invalid_client',
    reason: `${FETCH_FAILED}the JWKS is larger than 1024 bytes`,
  },
  {
    name: 'jwks_uri answering HTML',
    run: async (context) =>
      tokenFor(context.main, await remoteClient(context, context.main, '/html')),
    status: 401,
    error: 'invalid_client',
    reason: `${FETCH_FAILED}the jwks_uri did not return JSON`,
  },
  {
    name: 'jwks_uri redirecting without end',
    run: async (context) =>
      tokenFor(context.main, await remoteClient(context, context.main, '/loop')),
    status: 401,
    error: 'invalid_client',
    reason: `${FETCH_FAILED}the jwks_uri redirected more than 3 times`,
  },
  {
    name: 'loopback http jwks_uri refused by the address policy',
    run: async (context) =>
      tokenFor(context.noLoopback, await remoteClient(context, context.noLoopback, '/status-500')),
    status: 401,
    error: 'invalid_client',
    reason: `${FETCH_FAILED}the jwks_uri must use https`,
  },
  {
    name: 'loopback address refused by the address policy',
    run: async (context) => {
      const provisioned = await client(context.noLoopback);
      const port = new URL(context.jwksUrl).port;
      await setClientKeys(
        context.noLoopback.context.storage,
        provisioned.orgId,
        provisioned.client.clientId,
        {
          jwks: null,
          jwksUri: `https://127.0.0.1:${port}/jwks`,
        },
      );
      return tokenFor(context.noLoopback, provisioned);
    },
    status: 401,
    error: 'invalid_client',
    reason: `${FETCH_FAILED}the jwks_uri host 127.0.0.1 resolves to a loopback address, which is not allowed`,
  },
  {
    name: 'host name resolving to loopback refused after DNS',
    run: async (context) => {
      const provisioned = await client(context.noLoopback);
      const port = new URL(context.jwksUrl).port;
      await setClientKeys(
        context.noLoopback.context.storage,
        provisioned.orgId,
        provisioned.client.clientId,
        {
          jwks: null,
          jwksUri: `https://localhost:${port}/jwks`,
        },
      );
      return tokenFor(context.noLoopback, provisioned);
    },
    status: 401,
    error: 'invalid_client',
    reason: `${FETCH_FAILED}the jwks_uri host localhost resolves to a loopback address, which is not allowed`,
  },
];

const CASES: Case[] = [
  ...accepted,
  ...headerRules,
  ...keyRules,
  ...claimRules,
  ...clientRules,
  ...requestRules,
  ...jwksRules,
];

/** Starts a local JWKS server with fixed failure paths and the paths that `publish` adds. */
async function startJwksServer() {
  const published = new Map<string, JWK[]>();
  const server = http.createServer((request, response) => {
    const path = request.url ?? '';
    const keys = published.get(path);
    if (keys) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys }));
      return;
    }
    switch (path) {
      case '/status-500':
        response.writeHead(500).end();
        break;
      case '/slow':
        break;
      case '/large':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ keys: [], padding: 'x'.repeat(4096) }));
        break;
      case '/html':
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
        break;
      case '/loop':
        response.writeHead(302, { location: '/loop' }).end();
        break;
      default:
        response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    publish(keys: JWK[]) {
      const path = `/keys/${randomUUID()}`;
      published.set(path, keys);
      return { url: `${url}${path}`, set: (next: JWK[]) => published.set(path, next) };
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describeEachDatabase('client authentication rejections', (database) => {
  const logs = captureLogs();
  let context: Context;
  let jwksServer: Awaited<ReturnType<typeof startJwksServer>>;

  before(async () => {
    jwksServer = await startJwksServer();
    const env = { SCIMD_ASSERTION_AUDIENCES: ALIAS };
    const main = await startTestServer(database(), env, logs.logger);
    const twin = await startTestServer(database(), env, logs.logger);
    const strict = await startTestServer(
      database(),
      {
        SCIMD_ASSERTION_ALGORITHMS: 'ES256',
        SCIMD_ASSERTION_STRICT_AUDIENCE: 'true',
        SCIMD_JWKS_TIMEOUT_MS: '300',
        SCIMD_JWKS_MAX_BYTES: '1024',
      },
      logs.logger,
    );
    const noLoopback = await startTestServer(
      database(),
      { SCIMD_JWKS_ALLOW_LOOPBACK: 'false' },
      logs.logger,
    );
    context = {
      main,
      twin,
      strict,
      noLoopback,
      jwksUrl: jwksServer.url,
      publish: (keys) => jwksServer.publish(keys),
    };
  });
  after(async () => {
    for (const server of [context.main, context.twin, context.strict, context.noLoopback]) {
      await server.close();
    }
    await jwksServer.close();
  });

  test('the table holds at least 40 rules', () => {
    assert.ok(CASES.length >= 40, `${CASES.length} cases`);
  });

  for (const rule of CASES) {
    test(rule.name, async () => {
      const result = await rule.run(context);

      assert.equal(result.status, rule.status, JSON.stringify(result.body));
      if (rule.error === undefined) {
        assert.equal(result.body.token_type, 'Bearer');
        return;
      }
      assert.equal(result.body.error, rule.error);
      if (rule.description !== undefined) {
        assert.equal(result.body.error_description, rule.description);
      } else {
        assert.equal(result.body.error_description, CLIENT_AUTH_FAILED);
        assert.ok(logs.lastReason(), 'the cause is logged');
      }
      if (typeof rule.reason === 'string') assert.equal(logs.lastReason(), rule.reason);
      if (rule.reason instanceof RegExp) assert.match(String(logs.lastReason()), rule.reason);
    });
  }
});
