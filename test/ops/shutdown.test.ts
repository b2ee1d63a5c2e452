import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.js';
import { startTestServer, TEST_ADMIN_TOKEN } from '../helpers/server.js';

/** Opens a connection and sends a request whose body never arrives, so it stays in flight. */
async function hangingRequest(url: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.on('error', () => {});
  socket.write(
    `POST /admin/v1/orgs HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TEST_ADMIN_TOKEN}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{`,
  );
  return socket;
}

describeEachDatabase('graceful shutdown', (database) => {
  test('an idle server closes without forcing', async () => {
    const server = await startTestServer(database());
    const result = await server.close({ deadlineMs: 5000 });
    assert.deepEqual(result, { forced: false });
  });

  test('a request still running at the deadline is cut', async () => {
    const server = await startTestServer(database());
    const socket = await hangingRequest(server.url);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));

    const started = Date.now();
    const result = await server.close({ deadlineMs: 300 });
    assert.deepEqual(result, { forced: true });
    assert.ok(Date.now() - started < 5000);
    await closed;
  });

  test('the delay keeps serving while readiness is 503', async () => {
    const server = await startTestServer(database());
    const closing = server.close({ delayMs: 500, deadlineMs: 5000 });

    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(ready.headers.get('connection'), 'close');
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);

    assert.deepEqual(await closing, { forced: false });
  });
});
