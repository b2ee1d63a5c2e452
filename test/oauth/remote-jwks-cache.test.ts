import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JSONWebKeySet } from 'jose';
import { JwksFetchError } from '../../src/oauth/jwks/fetch-jwks.js';
import { RemoteJwksCache } from '../../src/oauth/jwks/remote-jwks-cache.js';

const OPTIONS = { allowLoopback: true };
const URI = 'https://keys.example/jwks.json';

/** A stand-in downloader that returns the queued results in order and counts its calls. */
function queuedFetch(results: Array<JSONWebKeySet | Error>) {
  let calls = 0;
  const fetch = async (): Promise<JSONWebKeySet> => {
    const result = results[Math.min(calls, results.length - 1)]!;
    calls += 1;
    if (result instanceof Error) throw result;
    return result;
  };
  return { fetch, calls: () => calls };
}

const jwksWith = (kid: string): JSONWebKeySet => ({ keys: [{ kty: 'EC', kid }] });

describe('RemoteJwksCache', () => {
  test('keys fetched again after the TTL', async () => {
    const source = queuedFetch([jwksWith('a'), jwksWith('b')]);
    const cache = new RemoteJwksCache({ ttlMs: 20, fetch: source.fetch });

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
    const cache = new RemoteJwksCache({ refetchIntervalMs: 20, fetch: source.fetch });

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
});
