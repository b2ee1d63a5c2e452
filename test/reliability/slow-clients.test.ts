import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { requestJson } from '../helpers/http.js';
import { startScimFixture } from '../helpers/scim-fixture.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** A raw client socket with everything the server sent and a promise of its closing. */
interface RawClient {
  socket: net.Socket;
  received: () => string;
  closed: Promise<void>;
}

function connect(url: string): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => {
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
      });
      const closed = new Promise<void>((done) => socket.once('close', () => done()));
      resolve({ socket, received: () => received, closed });
    });
    socket.once('error', reject);
  });
}

/** Resolves when `promise` settles, or rejects with `message` after `ms` milliseconds. */
function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

describeEachDatabase('slow clients', (database) => {
  let server: RunningServer;
  let accessToken: string;
  let scimBase: string;

  before(async () => {
    // A pool of two connections, so a stalled request that kept one would soon block the rest.
    ({ server, accessToken, scimBase } = await startScimFixture(database(), {
      SCIMD_REQUEST_TIMEOUT_SECONDS: '1',
      SCIMD_DATABASE_POOL_SIZE: '2',
    }));
  });
  after(async () => {
    await server.close();
  });

  function requestHead(contentLength: number): string {
    const { pathname, host } = new URL(`${scimBase}/Users`);
    return [
      `POST ${pathname} HTTP/1.1`,
      `Host: ${host}`,
      `Authorization: Bearer ${accessToken}`,
      'Content-Type: application/scim+json',
      `Content-Length: ${contentLength}`,
      '',
      '',
    ].join('\r\n');
  }

  test('stalled bodies leave the pool free', async () => {
    const stalled = await Promise.all(Array.from({ length: 6 }, () => connect(server.url)));
    for (const client of stalled) client.socket.write(`${requestHead(1000)}{"schemas":[`);

    // Twice as many normal requests as the pool has connections, while the six wait.
    const responses = await Promise.all(
      Array.from({ length: 4 }, (_, index) =>
        requestJson(`${scimBase}/Users`, {
          method: 'POST',
          token: accessToken,
          body: { schemas: [USER_SCHEMA], userName: `while-stalled-${index}@example.com` },
        }),
      ),
    );
    for (const response of responses) assert.equal(response.status, 201);
    const list = await requestJson(`${scimBase}/Users`, { token: accessToken });
    assert.equal(list.status, 200);

    await within(
      Promise.all(stalled.map((client) => client.closed)),
      15_000,
      'the stalled sockets were not closed',
    );
    for (const client of stalled) assert.match(client.received(), /^HTTP\/1\.1 408 /);
  });

  test('trickled body is cut off', async () => {
    const client = await connect(server.url);
    client.socket.write(requestHead(1000));

    // One byte every 100 ms keeps the socket busy, but the request never completes in time.
    const trickle = setInterval(() => {
      if (!client.socket.destroyed) client.socket.write(' ');
    }, 100);
    try {
      await within(client.closed, 15_000, 'the trickling socket was not closed');
    } finally {
      clearInterval(trickle);
    }
    assert.match(client.received(), /^HTTP\/1\.1 408 /);
  });

  test('stalled headers are cut off', async () => {
    const client = await connect(server.url);
    client.socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n`);

    await within(client.closed, 15_000, 'the socket with unfinished headers was not closed');
    assert.match(client.received(), /^HTTP\/1\.1 408 /);
  });
});

describe('timeout settings', () => {
  test('defaults', () => {
    const { ops } = loadConfig({});
    assert.equal(ops.requestTimeoutSeconds, 30);
    assert.equal(ops.idleTimeoutSeconds, 120);
    assert.equal(ops.keepAliveTimeoutSeconds, 72);
  });

  test('zero request timeout is rejected', () => {
    assert.throws(() => loadConfig({ SCIMD_REQUEST_TIMEOUT_SECONDS: '0' }), {
      message: 'SCIMD_REQUEST_TIMEOUT_SECONDS must be an integer from 1 to 3600, got "0"',
    });
  });
});
