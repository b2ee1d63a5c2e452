import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exportPKCS8 } from 'jose';
import {
  OAuthError,
  requestClientCredentialsToken,
  TokenSource,
  type TokenSourceOptions,
} from '../../src/client/index.js';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';
import {
  type StubReply,
  type StubRequest,
  type StubServer,
  startStubServer,
} from './stub-server.js';

/** Wraps `fetch` to count the requests sent to the token endpoint. */
function countingFetch() {
  const counter = { tokenRequests: 0, metadataRequests: 0 };
  const counted: typeof fetch = (input, init) => {
    const url = String(input);
    if (url.endsWith('/oauth/token')) counter.tokenRequests += 1;
    if (url.includes('/.well-known/')) counter.metadataRequests += 1;
    return fetch(input, init);
  };
  return { counter, fetch: counted };
}

describeEachDatabase('token source', (database) => {
  let server: RunningServer;
  let integrator: ProvisionedClient;

  before(async () => {
    // 60 s is the shortest access token lifetime the server allows.
    server = await startTestServer(database(), { SCIMD_ACCESS_TOKEN_TTL_SECONDS: '60' });
    integrator = await provisionClient(server.context.storage, {
      scopes: ['manage:directory', 'read:directory'],
    });
  });
  after(async () => {
    await server.close();
  });

  function options(extra: Partial<TokenSourceOptions> = {}): TokenSourceOptions {
    return {
      issuer: server.url,
      clientId: integrator.client.clientId,
      privateKey: integrator.key.privateKey,
      kid: integrator.key.kid,
      ...extra,
    };
  }

  test('token from issuer metadata verifies', async () => {
    const tokens = new TokenSource(options());
    const response = await tokens.getTokenResponse();

    const claims = await server.context.accessTokens.verify(response.access_token);
    assert.equal(claims.clientId, integrator.client.clientId);
    assert.equal(response.token_type, 'Bearer');
    assert.equal(response.expires_in, 60);
  });

  test('PEM key and scope list', async () => {
    const pem = await exportPKCS8(integrator.key.privateKey);
    const tokens = new TokenSource(options({ privateKey: pem, scope: ['read:directory'] }));
    const claims = await server.context.accessTokens.verify(await tokens.getToken());
    assert.deepEqual(claims.scopes, ['read:directory']);
  });

  test('cached token is reused', async () => {
    const { counter, fetch } = countingFetch();
    const tokens = new TokenSource(options({ fetch }));

    const first = await tokens.getToken();
    const second = await tokens.getToken();

    assert.equal(second, first);
    assert.equal(counter.tokenRequests, 1);
    assert.equal(counter.metadataRequests, 1);
  });

  test('token is refreshed at the margin', async () => {
    const { counter, fetch } = countingFetch();
    let now = Date.now();
    const tokens = new TokenSource(options({ fetch, refreshMarginSeconds: 10, now: () => now }));

    const first = await tokens.getToken();
    now += 49_000;
    assert.equal(await tokens.getToken(), first);
    assert.equal(counter.tokenRequests, 1);

    now += 2_000;
    const second = await tokens.getToken();
    assert.notEqual(second, first);
    assert.equal(counter.tokenRequests, 2);
    const claims = await server.context.accessTokens.verify(second);
    assert.equal(claims.clientId, integrator.client.clientId);
  });

  test('margin is capped at half the lifetime', async () => {
    const { counter, fetch } = countingFetch();
    let now = Date.now();
    const tokens = new TokenSource(options({ fetch, refreshMarginSeconds: 600, now: () => now }));

    const first = await tokens.getToken();
    now += 29_000;
    assert.equal(await tokens.getToken(), first);
    now += 2_000;
    assert.notEqual(await tokens.getToken(), first);
    assert.equal(counter.tokenRequests, 2);
  });

  test('50 concurrent callers share one request', async () => {
    const { counter, fetch } = countingFetch();
    const tokens = new TokenSource(options({ fetch }));

    const results = await Promise.all(Array.from({ length: 50 }, () => tokens.getToken()));

    assert.equal(new Set(results).size, 1);
    assert.equal(counter.tokenRequests, 1);
    assert.equal(counter.metadataRequests, 1);
  });

  test('invalidate forces a new token', async () => {
    const { counter, fetch } = countingFetch();
    const tokens = new TokenSource(options({ fetch }));
    const first = await tokens.getToken();

    tokens.invalidate();

    assert.notEqual(await tokens.getToken(), first);
    assert.equal(counter.tokenRequests, 2);
  });

  test('unknown kid is OAuthError invalid_client', async () => {
    const tokens = new TokenSource(options({ kid: 'no-such-kid' }));
    await assert.rejects(tokens.getToken(), (error: unknown) => {
      assert.ok(error instanceof OAuthError);
      assert.equal(error.status, 401);
      assert.equal(error.error, 'invalid_client');
      assert.equal(typeof error.error_description, 'string');
      return true;
    });
  });

  test('scope outside the client is invalid_scope', async () => {
    const tokens = new TokenSource(options({ scope: 'admin:everything' }));
    await assert.rejects(tokens.getToken(), (error: unknown) => {
      assert.ok(error instanceof OAuthError);
      assert.equal(error.status, 400);
      assert.equal(error.error, 'invalid_scope');
      return true;
    });
  });

  test('failed request is not cached', async () => {
    const { counter, fetch } = countingFetch();
    const tokens = new TokenSource(options({ fetch, kid: 'no-such-kid' }));
    await assert.rejects(tokens.getToken(), OAuthError);
    await assert.rejects(tokens.getToken(), OAuthError);
    assert.equal(counter.tokenRequests, 2);
  });

  test('issuer without metadata is invalid_response', async () => {
    const tokens = new TokenSource(options({ issuer: `${server.url}/elsewhere` }));
    await assert.rejects(tokens.getToken(), (error: unknown) => {
      assert.ok(error instanceof OAuthError);
      assert.equal(error.error, 'invalid_response');
      assert.match(String(error.error_description), /no authorization server metadata/);
      return true;
    });
  });
});

const tokenBody = { access_token: 'stub-token', token_type: 'Bearer', expires_in: 3600 };
const fast = { retries: 3, minDelayMs: 10, maxDelayMs: 5_000 };

/** Builds a token endpoint reply with the OAuth content type. */
function oauthReply(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): StubReply {
  return { status, body, headers, contentType: 'application/json' };
}

/** Runs `body` against a stub server that replies with `handler`, then closes the stub. */
async function withStub(
  handler: (request: StubRequest, index: number) => StubReply,
  body: (stub: StubServer) => Promise<void>,
): Promise<void> {
  const stub = await startStubServer(handler);
  try {
    await body(stub);
  } finally {
    await stub.close();
  }
}

/**
 * Runs `body` with a TokenSource (client secret, fast retries) whose token endpoint is a stub
 * that replies with `handler`.
 */
async function withTokenStub(
  handler: (request: StubRequest, index: number) => StubReply,
  body: (tokens: TokenSource, stub: StubServer) => Promise<void>,
  retry = fast,
): Promise<void> {
  await withStub(handler, (stub) => {
    const tokens = new TokenSource({
      tokenEndpoint: `${stub.url}/token`,
      clientId: 'c',
      clientSecret: 's',
      retry,
    });
    return body(tokens, stub);
  });
}

describe('token source against a stub', () => {
  test('429 is retried after Retry-After', async () => {
    await withTokenStub(
      (_request, index) =>
        index === 0
          ? oauthReply(429, { error: 'slow_down' }, { 'retry-after': '1' })
          : oauthReply(200, tokenBody),
      async (tokens, stub) => {
        const started = Date.now();
        assert.equal(await tokens.getToken(), 'stub-token');
        assert.ok(Date.now() - started >= 1000, 'waited for Retry-After');
        assert.equal(stub.requests.length, 2);
      },
    );
  });

  test('503 is retried with backoff', async () => {
    await withTokenStub(
      (_request, index) =>
        index < 2
          ? { status: 503, body: 'unavailable', contentType: 'text/plain' }
          : oauthReply(200, tokenBody),
      async (tokens, stub) => {
        assert.equal(await tokens.getToken(), 'stub-token');
        assert.equal(stub.requests.length, 3);
      },
    );
  });

  test('retries end with the last response', async () => {
    await withTokenStub(
      () => oauthReply(503, { error: 'temporarily_unavailable', error_description: 'maintenance' }),
      async (tokens, stub) => {
        await assert.rejects(tokens.getToken(), (error: unknown) => {
          assert.ok(error instanceof OAuthError);
          assert.equal(error.status, 503);
          assert.equal(error.error, 'temporarily_unavailable');
          assert.equal(error.error_description, 'maintenance');
          return true;
        });
        assert.equal(stub.requests.length, 3);
      },
      { ...fast, retries: 2 },
    );
  });

  test('Retry-After above the maximum is not waited for', async () => {
    await withTokenStub(
      () => oauthReply(429, { error: 'slow_down' }, { 'retry-after': '120' }),
      async (tokens, stub) => {
        await assert.rejects(tokens.getToken(), { name: 'OAuthError', status: 429 });
        assert.equal(stub.requests.length, 1);
      },
    );
  });

  test('network error is retried', async () => {
    let failures = 0;
    const flaky: typeof fetch = (input, init) => {
      if (failures < 2) {
        failures += 1;
        return Promise.reject(new TypeError('fetch failed'));
      }
      return fetch(input, init);
    };

    await withStub(
      () => oauthReply(200, tokenBody),
      async (stub) => {
        const token = await requestClientCredentialsToken({
          tokenEndpoint: `${stub.url}/token`,
          clientId: 'c',
          clientSecret: 's',
          retry: fast,
          fetch: flaky,
        });
        assert.equal(token.access_token, 'stub-token');
        assert.equal(failures, 2);
      },
    );
  });

  test('client_secret_basic form-encodes the credentials', async () => {
    await withStub(
      () => oauthReply(200, tokenBody),
      async (stub) => {
        await requestClientCredentialsToken({
          tokenEndpoint: `${stub.url}/token`,
          clientId: 'client:1',
          clientSecret: 'p@ss word',
          scope: 'read:directory',
        });

        const [request] = stub.requests;
        const decoded = Buffer.from(
          String(request!.headers.authorization).replace(/^Basic /, ''),
          'base64',
        ).toString();
        assert.equal(decoded, 'client%3A1:p%40ss%20word');
        assert.equal(request!.body.grant_type, 'client_credentials');
        assert.equal(request!.body.scope, 'read:directory');
        assert.equal(request!.body.client_secret, undefined);
      },
    );
  });

  test('client_secret_post sends the secret in the body', async () => {
    await withStub(
      () => oauthReply(200, tokenBody),
      async (stub) => {
        await requestClientCredentialsToken({
          tokenEndpoint: `${stub.url}/token`,
          clientId: 'c',
          clientSecret: 's',
          clientSecretMethod: 'client_secret_post',
        });

        const [request] = stub.requests;
        assert.equal(request!.headers.authorization, undefined);
        assert.equal(request!.body.client_id, 'c');
        assert.equal(request!.body.client_secret, 's');
      },
    );
  });

  test('response without access_token is invalid_response', async () => {
    await withStub(
      () => oauthReply(200, { token_type: 'Bearer' }),
      async (stub) => {
        const request = requestClientCredentialsToken({
          tokenEndpoint: `${stub.url}/token`,
          clientId: 'c',
          clientSecret: 's',
        });
        await assert.rejects(request, { name: 'OAuthError', error: 'invalid_response' });
      },
    );
  });

  test('metadata naming another issuer is rejected', async () => {
    await withStub(
      () =>
        oauthReply(200, {
          issuer: 'https://elsewhere.example',
          token_endpoint: 'https://elsewhere.example/t',
        }),
      async (stub) => {
        const tokens = new TokenSource({ issuer: stub.url, clientId: 'c', clientSecret: 's' });
        await assert.rejects(tokens.getToken(), (error: unknown) => {
          assert.ok(error instanceof OAuthError);
          assert.equal(error.error, 'invalid_response');
          assert.match(
            String(error.error_description),
            /names issuer "https:\/\/elsewhere.example"/,
          );
          return true;
        });
        assert.equal(stub.requests[0]!.url.pathname, '/.well-known/oauth-authorization-server');
      },
    );
  });
});
