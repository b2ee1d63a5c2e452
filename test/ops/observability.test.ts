import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setClientKeys } from '../../src/directory/clients.js';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ProvisionedClient, provisionClient, serveJwks } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';
import { captureLogs, createScimUser, newUser, requestAccessToken } from './ops-client.js';

const METRICS_TOKEN = 'metrics-token-0123456789';

describeEachDatabase('request logs and metrics', (database, kind) => {
  const logs = captureLogs();
  const proxiedLogs = captureLogs();
  let server: RunningServer;
  let proxied: RunningServer;
  let provisioned: ProvisionedClient;
  let jwks: Awaited<ReturnType<typeof serveJwks>>;
  let token: string;
  let assertion: string;
  const userName = 'grace.hopper.private';

  before(async () => {
    server = await startTestServer(database(), { SCIMD_METRICS_TOKEN: METRICS_TOKEN }, logs.logger);
    proxied = await startTestServer(
      database(),
      { SCIMD_TRUST_PROXY: 'true', SCIMD_METRICS_PORT: '0' },
      proxiedLogs.logger,
    );
    provisioned = await provisionClient(server.context.storage);

    const issued = await requestAccessToken(server.url, provisioned);
    assert.equal(issued.status, 200);
    token = String(issued.body.access_token);
    assertion = issued.assertion;
    // A replayed assertion is refused: one rejection by reason.
    assert.equal((await requestAccessToken(server.url, provisioned, { assertion })).status, 401);
    const created = await createScimUser(
      server.url,
      provisioned.directory.id,
      token,
      newUser(userName),
    );
    assert.equal(created.status, 201);

    // A client whose keys come from a JWKS URL makes the server fetch it once.
    jwks = await serveJwks([provisioned.key.publicJwk]);
    const remote = await provisionClient(server.context.storage);
    await setClientKeys(server.context.storage, remote.orgId, remote.client.clientId, {
      jwks: null,
      jwksUri: jwks.url,
    });
    const viaUri = await requestAccessToken(server.url, { ...remote, key: provisioned.key });
    assert.equal(viaUri.status, 200);
  });
  after(async () => {
    await server.close();
    await proxied.close();
    await jwks.close();
  });

  test('a given X-Request-Id is echoed', async () => {
    const response = await fetch(`${server.url}/healthz`, {
      headers: { 'x-request-id': 'lb-42.a' },
    });
    assert.equal(response.headers.get('x-request-id'), 'lb-42.a');
  });

  test('a missing X-Request-Id is generated', async () => {
    const response = await fetch(`${server.url}/healthz`);
    assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('an unusable X-Request-Id is replaced', async () => {
    const response = await fetch(`${server.url}/healthz`, {
      headers: { 'x-request-id': 'has spaces and "quotes"' },
    });
    assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('one log line per request with its request id', async () => {
    await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'one-line-check' } });
    const lines = logs.lines.filter((line) => line.requestId === 'one-line-check');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.msg, 'request completed');
    assert.equal(lines[0]?.route, '/healthz');
    assert.equal(lines[0]?.status, 200);
    assert.equal(typeof lines[0]?.latencyMs, 'number');
  });

  test('a SCIM write logs route, client and directory', () => {
    const line = logs.lines.find(
      (entry) => entry.msg === 'request completed' && entry.status === 201,
    );
    assert.equal(line?.method, 'POST');
    assert.equal(line?.route, '/scim/directory/:directoryId/Users');
    assert.equal(line?.clientId, provisioned.client.clientId);
    assert.equal(line?.directoryId, provisioned.directory.id);
    assert.equal(line?.orgId, provisioned.orgId);
  });

  test('a token rejection logs its reason', () => {
    const line = logs.lines.find(
      (entry) =>
        entry.msg === 'request completed' && entry.route === '/oauth/token' && entry.status === 401,
    );
    assert.equal(line?.reason, 'invalid_client');
  });

  test('logs hold no token, assertion or attribute value', () => {
    const all = logs.raw.join('\n');
    assert.equal(all.includes(token), false);
    assert.equal(all.includes(assertion), false);
    assert.equal(all.includes(userName), false);
    assert.equal(all.includes('Lovelace'), false);
  });

  test('remote address ignores X-Forwarded-For by default', async () => {
    await fetch(`${server.url}/healthz`, {
      headers: { 'x-request-id': 'no-proxy', 'x-forwarded-for': '203.0.113.9' },
    });
    const line = logs.lines.find((entry) => entry.requestId === 'no-proxy');
    assert.equal(line?.remoteAddress, '127.0.0.1');
  });

  test('SCIMD_TRUST_PROXY believes X-Forwarded-For', async () => {
    await fetch(`${proxied.url}/healthz`, {
      headers: { 'x-request-id': 'via-proxy', 'x-forwarded-for': '203.0.113.9' },
    });
    const line = proxiedLogs.lines.find((entry) => entry.requestId === 'via-proxy');
    assert.equal(line?.remoteAddress, '203.0.113.9');
  });

  test('metrics are absent without a token or listener setting', async () => {
    const response = await fetch(`${proxied.url}/metrics`);
    assert.equal(response.status, 404);
  });

  test('metrics refuse a missing token', async () => {
    const response = await fetch(`${server.url}/metrics`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="scimd-metrics"');
  });

  test('metrics refuse a wrong token', async () => {
    const response = await fetch(`${server.url}/metrics`, {
      headers: { authorization: 'Bearer wrong-token-0123456789' },
    });
    assert.equal(response.status, 401);
  });

  test('metrics list requests, tokens, JWKS, SCIM and queries', async () => {
    await fetch(`${server.url}/healthz`);
    const response = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await response.text();

    assert.match(
      text,
      /^scimd_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+$/m,
    );
    assert.match(
      text,
      /^scimd_http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/oauth\/token",status="200"\} \d+$/m,
    );
    assert.match(text, /^scimd_tokens_issued_total 2$/m);
    assert.match(text, /^scimd_tokens_rejected_total\{reason="invalid_client"\} 1$/m);
    assert.match(text, /^scimd_jwks_fetches_total\{outcome="success"\} 1$/m);
    assert.match(
      text,
      /^scimd_scim_operations_total\{resource="User",operation="create",status="201"\} 1$/m,
    );
    assert.match(text, /^scimd_db_query_duration_seconds_count\{outcome="success"\} \d+$/m);
    assert.match(text, /^scimd_process_cpu_user_seconds_total \d/m);
    if (kind === 'postgres') {
      assert.match(text, /^scimd_db_pool_connections\{state="total"\} \d+$/m);
    }
  });

  test('the metrics listener serves without a token', async () => {
    assert.ok(proxied.metricsUrl);
    const response = await fetch(`${proxied.metricsUrl}/metrics`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /^# HELP scimd_http_requests_total /m);
  });
});
