import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { probe, type ScimTarget } from '../../bench/lib/scim-target.js';

// The server offers to keep each connection alive for a minute but resets a connection on its
// second request. A server's idle timer does this when it fires as a request arrives.
let server: net.Server;
let target: ScimTarget;
let connections = 0;

before(async () => {
  server = net.createServer((socket) => {
    connections++;
    let answered = false;
    socket.on('data', () => {
      if (answered) {
        socket.resetAndDestroy();
        return;
      }
      answered = true;
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: application/scim+json\r\nContent-Length: 11\r\n' +
          'Connection: keep-alive\r\nKeep-Alive: timeout=60\r\n\r\n{"ok":true}',
      );
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  target = {
    server: 'reset on reuse',
    scimBaseUrl: `http://127.0.0.1:${port}/scim`,
    token: 'bench',
    users: 0,
    sample: [],
    outsiders: [],
    workDir: '',
  };
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('probe survives reset on reuse', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) statuses.push((await probe(target, 'GET', '/Users')).status);
  statuses.push((await probe(target, 'POST', '/Users', { userName: 'a' })).status);

  assert.deepEqual(statuses, [200, 200, 200, 200]);
  assert.equal(connections, 4);
});
