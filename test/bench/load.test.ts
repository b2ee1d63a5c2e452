import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runLoad } from '../../bench/lib/load.js';

let server: http.Server;
let url: string;
let workDir: string;
const received: string[] = [];

before(async () => {
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push(body);
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scimd-load-'));
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(workDir, { recursive: true, force: true });
});

test('used-up run timed to last response', async () => {
  const bodiesFile = path.join(workDir, 'bodies.txt');
  const bodies = Array.from({ length: 200 }, (_, index) => `body-${index}`);
  fs.writeFileSync(bodiesFile, `${bodies.join('\n')}\n`);

  const result = await runLoad({
    url,
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    bodiesFile,
    connections: 10,
    durationSeconds: 5,
  });

  assert.equal(result.total, 200);
  assert.deepEqual([...received].sort(), [...bodies].sort());
  // autocannon itself reports the end of such a run at its next whole-second sample.
  assert.ok(
    result.durationSeconds < 1,
    `timed to the last response, not ${result.durationSeconds} s`,
  );
  assert.equal(result.requestsPerSecond, result.total / result.durationSeconds);
});
