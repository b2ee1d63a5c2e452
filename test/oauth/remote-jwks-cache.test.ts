import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JSONWebKeySet } from 'jose';
import { type FetchedJwks, JwksFetchError } from '../../src/oauth/jwks/fetch-jwks.js';
import { RemoteJwksCache } from '../../src/oauth/jwks/remote-jwks-cache.js';

const OPTIONS = { allowLoopback: true };
const URI = 'https://keys.example/jwks.json';

/** A stand-in downloader that returns the queued results in order and counts its calls. */
function queuedFetch(results: Array<JSONWebKeySet | Error>, maxAgeSeconds?: number) {
  let calls = 0;
  const fetch = async (): Promise<FetchedJwks> => {
    const result = results[Math.min(calls, results.length - 1)]!;
    calls += 1;
    if (result instanceof Error) throw result;
    return { jwks: result, maxAgeSeconds };
  };
  return { fetch, calls: () => calls };
}

const jwksWith = (kid: string): JSONWebKeySet => ({ keys: [{ kty: 'EC', kid }] });

describe('RemoteJwksCache', () => {
  test('keys fetched again after the TTL', async () => {
    const source = queuedFetch([jwksWith('a'), jwksWith('b')]);
    const cache = new RemoteJwksCache({ minTtlMs: 20, maxTtlMs: 20, fetch: source.fetch });

    const first = await cache.keys('client', URI, OPTIONS);
    await sleep(30);
    const second = await cache.keys('client', URI, OPTIONS);

    assert.equal(first[0]?.kid, 'a');
    assert.equal(second[0]?.kid, 'b');
    assert.equal(source.calls(), 2);
  });

  test('changed jwks_uri fetched at once', async () => {
    const source = queuedFetch([jwksWith('a'), jwksWith('b')]);
    const cache = new RemoteJwksCache({ fetch: source.fetch });

    await cache.keys('client', URI, OPTIONS);
    const moved = await cache.keys('client', `${URI}?v=2`, OPTIONS);

    assert.equal(moved[0]?.kid, 'b');
  });

  test('failure remembered for the refetch interval', async () => {
    const source = queuedFetch([new JwksFetchError('down'), jwksWith('a')]);
    const cache = new RemoteJwksCache({ refetchIntervalMs: 20, staleMs: 0, fetch: source.fetch });

    await assert.rejects(cache.keys('client', URI, OPTIONS), /down/);
    await assert.rejects(cache.keys('client', URI, OPTIONS), /down/);
    assert.equal(source.calls(), 1);

    await sleep(30);
    const keys = await cache.keys('client', URI, OPTIONS);
    assert.equal(keys[0]?.kid, 'a');
  });

  test('unknown kid refetch limited per interval', async () => {
    const source = queuedFetch([jwksWith('a'), jwksWith('b'), jwksWith('c')]);
    const cache = new RemoteJwksCache({ refetchIntervalMs: 50, fetch: source.fetch });

    await cache.keys('client', URI, OPTIONS);
    const refetched = await cache.refetchForUnknownKid('client', URI, OPTIONS);
    const limited = await cache.refetchForUnknownKid('client', URI, OPTIONS);

    assert.equal(refetched?.[0]?.kid, 'b');
    assert.equal(limited, undefined);
    assert.equal(source.calls(), 2);
  });

  test('concurrent requests share one fetch', async () => {
    const source = queuedFetch([jwksWith('a')]);
    const cache = new RemoteJwksCache({ fetch: source.fetch });

    await Promise.all([cache.keys('client', URI, OPTIONS), cache.keys('client', URI, OPTIONS)]);

    assert.equal(source.calls(), 1);
  });

  test('max-age below the minimum raised to it', async () => {
    const source = queuedFetch([jwksWith('a'), jwksWith('b')], 0);
    const cache = new RemoteJwksCache({ minTtlMs: 200, fetch: source.fetch });

    await cache.keys('client', URI, OPTIONS);
    await sleep(30);
    const second = await cache.keys('client', URI, OPTIONS);

    assert.equal(second[0]?.kid, 'a');
    assert.equal(source.calls(), 1);
  });

  test('max-age above the maximum lowered to it', async () => {
    const source = queuedFetch([jwksWith('a'), jwksWith('b')], 86400);
    const cache = new RemoteJwksCache({ minTtlMs: 0, maxTtlMs: 20, fetch: source.fetch });

    await cache.keys('client', URI, OPTIONS);
    await sleep(30);
    const second = await cache.keys('client', URI, OPTIONS);

    assert.equal(second[0]?.kid, 'b');
    assert.equal(source.calls(), 2);
  });

  test('max-age within the bounds honoured', async () => {
    const source = queuedFetch([jwksWith('a'), jwksWith('b')], 1);
    const cache = new RemoteJwksCache({ minTtlMs: 0, maxTtlMs: 60_000, fetch: source.fetch });

    await cache.keys('client', URI, OPTIONS);
    await sleep(50);
    const early = await cache.keys('client', URI, OPTIONS);
    await sleep(1000);
    const late = await cache.keys('client', URI, OPTIONS);

    assert.equal(early[0]?.kid, 'a');
    assert.equal(late[0]?.kid, 'b');
  });

  test('failed refresh serves the last good keys and warns', async () => {
    const source = queuedFetch([jwksWith('a'), new JwksFetchError('down')]);
    const warnings: Array<Record<string, unknown>> = [];
    const cache = new RemoteJwksCache({
      minTtlMs: 10,
      maxTtlMs: 10,
      staleMs: 60_000,
      fetch: source.fetch,
      logger: { warn: (data) => warnings.push(data) },
    });

    await cache.keys('client', URI, OPTIONS);
    await sleep(20);
    const stale = await cache.keys('client', URI, OPTIONS);

    assert.equal(stale[0]?.kid, 'a');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.reason, 'down');
    assert.equal(warnings[0]?.servingStale, true);
  });

  test('stale keys dropped after the stale time', async () => {
    const source = queuedFetch([jwksWith('a'), new JwksFetchError('down')]);
    const cache = new RemoteJwksCache({
      minTtlMs: 10,
      maxTtlMs: 10,
      staleMs: 10,
      fetch: source.fetch,
    });

    await cache.keys('client', URI, OPTIONS);
    await sleep(40);

    await assert.rejects(cache.keys('client', URI, OPTIONS), /down/);
  });
});
