import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RateLimiter } from '../../src/oauth/rate-limit.js';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient, signAssertion } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';
import { assertionParams, requestToken } from './token-requests.js';

describe('RateLimiter', () => {
  test('limit reached within a window', () => {
    const limiter = new RateLimiter();

    assert.equal(limiter.take('k', 2, 0), undefined);
    assert.equal(limiter.take('k', 2, 1_000), undefined);
    assert.equal(limiter.take('k', 2, 15_000), 45);
  });

  test('new window resets the count', () => {
    const limiter = new RateLimiter();
    limiter.take('k', 1, 0);

    assert.equal(limiter.take('k', 1, 60_000), undefined);
  });

  test('zero turns the limit off', () => {
    const limiter = new RateLimiter();

    for (let i = 0; i < 100; i += 1) assert.equal(limiter.take('k', 0, 0), undefined);
  });
});

describeEachDatabase('token endpoint rate limits', (database) => {
  let server: RunningServer;
  let first: ProvisionedClient;
  let second: ProvisionedClient;

  before(async () => {
    server = await startTestServer(database(), {
      SCIMD_TOKEN_RATE_PER_CLIENT: '2',
      SCIMD_TOKEN_RATE_PER_ADDRESS: '6',
    });
    first = await provisionClient(server.context.storage);
    second = await provisionClient(server.context.storage);
  });
  after(async () => {
    await server.close();
  });

  async function token(client: ProvisionedClient) {
    const assertion = await signAssertion(client.key, client.client.clientId, server.url);
    return requestToken(server.url, assertionParams(assertion));
  }

  // The tests in this suite run in order and share the counters.
  test('per-client limit answers 429 with Retry-After', async () => {
    await token(first);
    await token(first);
    const limited = await token(first);

    assert.equal(limited.status, 429);
    assert.equal(limited.body.error, 'temporarily_unavailable');
    assert.equal(
      limited.body.error_description,
      'too many token requests for this client; at most 2 per minute',
    );
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1);
    assert.ok(retryAfter <= 60);
    assert.equal(limited.headers.get('cache-control'), 'no-store');
  });

  test('another client keeps its own allowance', async () => {
    const result = await token(second);

    assert.equal(result.status, 200);
  });

  test('per-address limit answers 429 before authentication', async () => {
    await token(second);
    const sixth = await requestToken(server.url, { grant_type: 'client_credentials' });
    const limited = await requestToken(server.url, { grant_type: 'client_credentials' });

    assert.equal(sixth.status, 401);
    assert.equal(limited.status, 429);
    assert.equal(
      limited.body.error_description,
      'too many requests from this address; at most 6 per minute',
    );
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  });
});
