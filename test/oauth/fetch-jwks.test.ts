import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { blockedRange } from '../../src/oauth/jwks/address-guard.js';
import { fetchJwks, fetchJwksDocument, JwksFetchError } from '../../src/oauth/jwks/fetch-jwks.js';
import { generateIntegratorKey } from '../helpers/fixtures.js';

/** Starts a local server whose response each test chooses, and counts the requests it receives. */
async function startLocalServer(handler: http.RequestListener) {
  let count = 0;
  const server = http.createServer((request, response) => {
    count += 1;
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type LocalServer = Awaited<ReturnType<typeof startLocalServer>>;

async function fetchError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => assert.fail('the fetch succeeded'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof JwksFetchError, `unexpected error: ${String(error)}`);
  return error.message;
}

describe('fetchJwks', () => {
  let server: LocalServer;
  let jwksBody = '';

  before(async () => {
    const key = await generateIntegratorKey('ES256');
    jwksBody = JSON.stringify({ keys: [key.publicJwk] });
    server = await startLocalServer((request, response) => {
      switch (request.url) {
        case '/jwks.json':
          response.writeHead(200, { 'content-type': 'application/json' }).end(jwksBody);
          break;
        case '/large-declared':
          response.writeHead(200, { 'content-length': 4096 }).end('x'.repeat(4096));
          break;
        case '/large-streamed':
          response.writeHead(200);
          for (let i = 0; i < 8; i += 1) response.write('x'.repeat(512));
          response.end();
          break;
        case '/slow':
          // Never responds; the client's timeout ends the request.
          break;
        case '/stalled-body':
          // Sends the headers and part of the body, then stops.
          response.writeHead(200, { 'content-type': 'application/json' });
          response.write('{"keys":[');
          break;
        case '/redirect':
          response.writeHead(302, { location: '/jwks.json' }).end();
          break;
        case '/redirect-loop':
          response.writeHead(307, { location: '/redirect-loop' }).end();
          break;
        case '/redirect-with-credentials':
          response
            .writeHead(301, { location: `http://user:pass@${request.headers.host}/jwks.json` })
            .end();
          break;
        case '/cached':
          response
            .writeHead(200, {
              'content-type': 'application/json',
              'cache-control': 'public, max-age=120',
            })
            .end(jwksBody);
          break;
        case '/no-store':
          response
            .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
            .end(jwksBody);
          break;
        case '/not-json':
          response.writeHead(200).end('<html></html>');
          break;
        default:
          response.writeHead(404).end();
      }
    });
  });
  after(async () => {
    await server.close();
  });

  test('keys from a loopback URL when allowed', async () => {
    const jwks = await fetchJwks(`${server.url}/jwks.json`, { allowLoopback: true });

    assert.deepEqual(jwks, JSON.parse(jwksBody));
  });

  test('host name connected through the checked address', async () => {
    const jwks = await fetchJwks(`${server.url.replace('127.0.0.1', 'localhost')}/jwks.json`, {
      allowLoopback: true,
    });

    assert.deepEqual(jwks, JSON.parse(jwksBody));
  });

  test('loopback http refused without contact', async () => {
    const before = server.requests();
    const message = await fetchError(
      fetchJwks(`${server.url}/jwks.json`, { allowLoopback: false }),
    );

    assert.equal(message, 'the jwks_uri must use https');
    assert.equal(server.requests(), before);
  });

  test('loopback https refused without contact', async () => {
    const before = server.requests();
    const message = await fetchError(
      fetchJwks(`${server.url.replace('http:', 'https:')}/jwks.json`, { allowLoopback: false }),
    );

    assert.equal(
      message,
      'the jwks_uri host 127.0.0.1 resolves to a loopback address, which is not allowed',
    );
    assert.equal(server.requests(), before);
  });

  test('oversized body by content-length', async () => {
    const message = await fetchError(
      fetchJwks(`${server.url}/large-declared`, { allowLoopback: true, maxBytes: 1024 }),
    );

    assert.equal(message, 'the JWKS is larger than 1024 bytes');
  });

  test('oversized streamed body', async () => {
    const message = await fetchError(
      fetchJwks(`${server.url}/large-streamed`, { allowLoopback: true, maxBytes: 1024 }),
    );

    assert.equal(message, 'the JWKS is larger than 1024 bytes');
  });

  test('slow server times out', async () => {
    const started = Date.now();
    const message = await fetchError(
      fetchJwks(`${server.url}/slow`, { allowLoopback: true, timeoutMs: 300 }),
    );

    assert.equal(message, 'fetching the JWKS timed out after 300 ms');
    assert.ok(Date.now() - started < 2000, 'the timeout ends the request promptly');
  });

  test('stalled body times out', async () => {
    const message = await fetchError(
      fetchJwks(`${server.url}/stalled-body`, { allowLoopback: true, timeoutMs: 300 }),
    );

    assert.equal(message, 'fetching the JWKS timed out after 300 ms');
  });

  test('redirect followed', async () => {
    const jwks = await fetchJwks(`${server.url}/redirect`, { allowLoopback: true });

    assert.equal(jwks.keys.length, 1);
  });

  test('redirect loop stopped after 3 redirects', async () => {
    const before = server.requests();
    const message = await fetchError(
      fetchJwks(`${server.url}/redirect-loop`, { allowLoopback: true }),
    );

    assert.equal(message, 'the jwks_uri redirected more than 3 times');
    assert.equal(server.requests(), before + 4);
  });

  test('redirect target checked like the first URL', async () => {
    const before = server.requests();
    const message = await fetchError(
      fetchJwks(`${server.url}/redirect-with-credentials`, { allowLoopback: true }),
    );

    assert.equal(message, 'the jwks_uri must not contain credentials');
    assert.equal(server.requests(), before + 1);
  });

  test('Cache-Control max-age reported', async () => {
    const fetched = await fetchJwksDocument(`${server.url}/cached`, { allowLoopback: true });

    assert.equal(fetched.maxAgeSeconds, 120);
  });

  test('Cache-Control no-store reported as zero', async () => {
    const fetched = await fetchJwksDocument(`${server.url}/no-store`, { allowLoopback: true });

    assert.equal(fetched.maxAgeSeconds, 0);
  });

  test('no Cache-Control reported as unknown', async () => {
    const fetched = await fetchJwksDocument(`${server.url}/jwks.json`, { allowLoopback: true });

    assert.equal(fetched.maxAgeSeconds, undefined);
  });

  test('body not JSON', async () => {
    const message = await fetchError(fetchJwks(`${server.url}/not-json`, { allowLoopback: true }));

    assert.equal(message, 'the jwks_uri did not return JSON');
  });

  test('credentials in the URL refused', async () => {
    const url = `${server.url.replace('http://', 'http://user:pass@')}/jwks.json`;
    const message = await fetchError(fetchJwks(url, { allowLoopback: true }));

    assert.equal(message, 'the jwks_uri must not contain credentials');
  });
});

describe('blockedRange', () => {
  // Classification of address strings only; nothing is contacted.
  const cases: Array<[string, ReturnType<typeof blockedRange>]> = [
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', undefined],
    ['2001:db8::1', undefined],
  ];

  for (const [address, expected] of cases) {
    test(`${address} is ${expected ?? 'public'}`, () => {
      assert.equal(blockedRange(address), expected);
    });
  }
});
