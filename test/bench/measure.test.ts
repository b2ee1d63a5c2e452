import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Measurer, type SideBySideCase } from '../../bench/lib/measure.js';

let server: http.Server;
let url: string;

before(async () => {
  server = http.createServer((_request, response) => response.end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('side-by-side runs take turns', async () => {
  const measurer = new Measurer({ durationSeconds: 0.2, runs: 2, warmupSeconds: 0 });
  const prepared: string[] = [];
  const settled: string[] = [];
  const item = (serverName: string): SideBySideCase => ({
    label: { group: 'test', name: 'GET /', server: serverName },
    settle: async () => {
      settled.push(serverName);
    },
    prepare: (seconds, label) => {
      prepared.push(`${serverName} ${label}`);
      return { url, method: 'GET', headers: {}, connections: 1, durationSeconds: seconds };
    },
  });

  await measurer.measureSideBySide([item('a'), item('b')]);

  assert.deepEqual(prepared, ['a run0', 'b run0', 'a run1', 'b run1']);
  assert.deepEqual(settled, ['a', 'b', 'a', 'b']);
  assert.deepEqual(
    measurer.results.map((result) => [result.server, result.runs.length, result.failures]),
    [
      ['a', 2, 0],
      ['b', 2, 0],
    ],
  );
});
