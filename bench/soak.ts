// `npm run soak`: a mixed workload against one scimd process for a bounded time and request count:
// token requests, user creates, PATCHes, filters and group membership changes, in fixed
// proportions. Reports throughput, latency percentiles, errors (which must be zero) and the
// server's memory at start and end. Options:
//   --duration N   seconds (default 600)
//   --max N        request budget (default 2 000 000)
//   --concurrency N  requests in flight (default 16)
//   --postgres     run on SCIMD_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test)

import { createPrivateKey, createSign, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { SERVER_CORE, startPinned, stop } from './lib/processes.js';
import { userBody } from './lib/seed.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '600' },
    max: { type: 'string', default: '2000000' },
    concurrency: { type: 'string', default: '16' },
    postgres: { type: 'boolean', default: false },
  },
});
const durationMs = Number(values.duration) * 1000;
const maxRequests = Number(values.max);
const concurrency = Number(values.concurrency);

interface Ready {
  url: string;
  tokenEndpoint: string;
  clientId: string;
  kid: string;
  privateJwk: JWK;
  scimBaseUrl: string;
  accessToken: string;
  database: string;
}

const env: Record<string, string> = values.postgres
  ? {
      SCIMD_BENCH_DATABASE_URL:
        process.env.SCIMD_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    }
  : {};
const server = await startPinned<Ready>('servers/scimd.ts', { core: SERVER_CORE, env });
const { ready } = server;
const headers = {
  authorization: `Bearer ${ready.accessToken}`,
  'content-type': 'application/scim+json',
};
const signingKey = createPrivateKey({ key: ready.privateJwk as never, format: 'jwk' });

function rssKiB(pid: number | undefined): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

function tokenBody(): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: ready.kid })).toString(
    'base64url',
  );
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: ready.clientId,
    sub: ready.clientId,
    aud: ready.tokenEndpoint,
    jti: randomUUID(),
    iat: now,
    exp: now + 300,
  };
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = createSign('RSA-SHA256').update(input).sign(signingKey).toString('base64url');
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: `${input}.${signature}`,
  }).toString();
}

const users: Array<{ id: string; userName: string }> = [];
let groupId: string | undefined;
let created = 0;

type Operation = { name: string; weight: number; run: () => Promise<Response> };
const operations: Operation[] = [
  {
    name: 'token',
    weight: 1,
    run: () =>
      fetch(ready.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: tokenBody(),
      }),
  },
  {
    name: 'create user',
    weight: 3,
    run: async () => {
      const userName = `soak.${created++}.${randomUUID().slice(0, 8)}@example.com`;
      const response = await fetch(`${ready.scimBaseUrl}/Users`, {
        method: 'POST',
        headers,
        body: JSON.stringify(userBody(userName)),
      });
      if (response.status === 201) {
        const body = (await response.clone().json()) as { id: string };
        users.push({ id: body.id, userName });
      }
      return response;
    },
  },
  {
    name: 'patch user',
    weight: 2,
    run: () => {
      const user = users[Math.floor(Math.random() * users.length)]!;
      return fetch(`${ready.scimBaseUrl}/Users/${user.id}`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [
            { op: 'replace', path: 'title', value: `title ${randomUUID().slice(0, 6)}` },
          ],
        }),
      });
    },
  },
  {
    name: 'filter',
    weight: 3,
    run: () => {
      const user = users[Math.floor(Math.random() * users.length)]!;
      return fetch(
        `${ready.scimBaseUrl}/Users?filter=${encodeURIComponent(`userName eq "${user.userName}"`)}`,
        { headers },
      );
    },
  },
  {
    name: 'group member',
    weight: 1,
    run: () => {
      const user = users[Math.floor(Math.random() * users.length)]!;
      return fetch(`${ready.scimBaseUrl}/Groups/${groupId}`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'add', path: 'members', value: [{ value: user.id }] }],
        }),
      });
    },
  },
];

// Seed a few users and a group; drop the operations the server does not implement (501).
for (let i = 0; i < 50; i++) await operations[1]!.run();
const group = await fetch(`${ready.scimBaseUrl}/Groups`, {
  method: 'POST',
  headers,
  body: JSON.stringify({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'soak',
  }),
});
if (group.status === 201) groupId = ((await group.json()) as { id: string }).id;
const active: Operation[] = [];
for (const operation of operations) {
  const probe = operation.name === 'group member' && !groupId ? undefined : await operation.run();
  if (probe && probe.status < 300) active.push(operation);
  else
    process.stderr.write(
      `soak: skipping "${operation.name}" (answered ${probe?.status ?? 'no group'})\n`,
    );
}
const weighted = active.flatMap((operation) =>
  Array.from({ length: operation.weight }, () => operation),
);

const memoryStartKiB = rssKiB(server.child.pid);
const latencies: number[] = [];
const counts = new Map<string, number>();
const errors = new Map<string, number>();
const started = performance.now();
let sent = 0;

async function worker(): Promise<void> {
  while (performance.now() - started < durationMs && sent < maxRequests) {
    sent++;
    const operation = weighted[Math.floor(Math.random() * weighted.length)]!;
    const begin = performance.now();
    try {
      const response = await operation.run();
      await response.arrayBuffer();
      if (response.status >= 300) {
        const key = `${operation.name} ${response.status}`;
        errors.set(key, (errors.get(key) ?? 0) + 1);
      }
    } catch (error) {
      const key = `${operation.name} ${(error as Error).message}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
    latencies.push(performance.now() - begin);
    counts.set(operation.name, (counts.get(operation.name) ?? 0) + 1);
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const elapsedSeconds = (performance.now() - started) / 1000;
const memoryEndKiB = rssKiB(server.child.pid);
await stop(server.child);

latencies.sort((a, b) => a - b);
const percentile = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]?.toFixed(2);
const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
const report = {
  database: ready.database,
  seconds: Math.round(elapsedSeconds),
  requests: latencies.length,
  requestsPerSecond: Math.round(latencies.length / elapsedSeconds),
  latencyMs: {
    p50: percentile(0.5),
    p90: percentile(0.9),
    p99: percentile(0.99),
    max: latencies.at(-1)?.toFixed(2),
  },
  operations: Object.fromEntries(counts),
  errors: Object.fromEntries(errors),
  errorCount,
  memoryMiB: { start: Math.round(memoryStartKiB / 1024), end: Math.round(memoryEndKiB / 1024) },
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
if (errorCount > 0) process.exitCode = 1;
