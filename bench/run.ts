// `npm run bench`: measures scimd beside the ceilings of this machine and beside its peers
// (oidc-provider for the token endpoint, SCIMMY for SCIM), all in one run. Options:
//   --quick          about one second per case and one run (for CI; timings are not asserted)
//   --duration N     seconds per measured run (default 10)
//   --runs N         measured runs per case; the median is reported (default 3)
//   --users N        users seeded before the SCIM read cases (default 10000; quick: 1000)
//   --only WORD      run only the cases whose group contains WORD (ceiling, token, scim)
//   --write-docs     also write docs/benchmarks.md
// SCIMD_BENCH_DATABASE_URL=postgres://… adds scimd on PostgreSQL.

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeTokenRequests } from './lib/assertions.js';
import { type LoadResult, type LoadSpec, medianRun, runLoad } from './lib/load.js';
import { describeMachine } from './lib/machine.js';
import { BENCH_DIR, runPinned, SERVER_CORE, startPinned, stop } from './lib/processes.js';
import { type CaseResult, type Report, renderMarkdown } from './lib/report.js';
import { seedUsers, userBody } from './lib/seed.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    runs: { type: 'string' },
    users: { type: 'string' },
    only: { type: 'string' },
    'write-docs': { type: 'boolean', default: false },
  },
});
const quick = values.quick ?? false;
const settings = {
  durationSeconds: Number(values.duration ?? (quick ? 1 : 10)),
  runs: Number(values.runs ?? (quick ? 1 : 3)),
  warmupSeconds: quick ? 1 : 3,
  users: Number(values.users ?? (quick ? 1000 : 10000)),
};
const only = values.only;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scimd-bench-'));
const results: CaseResult[] = [];
let ceilings: Record<string, number> = {};
const children: ChildProcess[] = [];

function wanted(group: string): boolean {
  return !only || group.includes(only);
}

/** Warms up, then measures `settings.runs` runs; `prepare` gives each run its spec. */
async function measure(
  group: string,
  name: string,
  server: string,
  prepare: (seconds: number, label: string, lastRate?: number) => LoadSpec | Promise<LoadSpec>,
): Promise<void> {
  const warmup = await runLoad(await prepare(settings.warmupSeconds, 'warmup'));
  const runs: LoadResult[] = [];
  let lastRate = warmup.requestsPerSecond;
  for (let run = 0; run < settings.runs; run++) {
    const result = await runLoad(await prepare(settings.durationSeconds, `run${run}`, lastRate));
    runs.push(result);
    lastRate = Math.max(lastRate, result.requestsPerSecond);
  }
  const median = medianRun(runs);
  const failures = runs.reduce((sum, r) => sum + r.non2xx + r.errors, 0);
  results.push({
    group,
    name,
    server,
    connections: median.connections,
    result: median,
    runs,
    failures,
  });
  process.stderr.write(
    `${group.padEnd(8)} ${name.padEnd(34)} ${server.padEnd(22)} ${median.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${median.latencyP50Ms} ms${failures ? `  FAILED: ${failures} non-2xx or errors, statuses ${JSON.stringify(median.statusCodes)}` : ''}\n`,
  );
}

async function start<T>(script: string, env: Record<string, string> = {}) {
  const started = await startPinned<T>(script, { core: SERVER_CORE, env });
  children.push(started.child);
  return started;
}

async function benchCeilings(): Promise<void> {
  ceilings = await runPinned('ceilings.ts', SERVER_CORE, { seconds: quick ? 0.5 : 3 });
  const echo = await start<{ url: string }>('servers/echo.ts');
  await measure('ceiling', 'POST echo', 'fastify', (seconds) => ({
    url: `${echo.ready.url}/echo`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', scope: 'manage:directory' }),
    connections: 50,
    durationSeconds: seconds,
  }));
  await stop(echo.child);
}

interface TokenServer {
  tokenEndpoint: string;
  clientId: string;
  kid: string;
  privateJwk: Record<string, unknown>;
}

/**
 * A token-endpoint case: every request carries a fresh assertion made before the run. Signing
 * them is slow, so each run gets 1.5 times what the previous run used, and a run that uses up its
 * assertions ends early (autocannon then reports the rate over the time it ran).
 */
async function tokenCase(name: string, server: string, ready: TokenServer, connections: number) {
  await measure('token', name, server, (seconds, label, lastRate) => {
    const file = path.join(workDir, `${server}-${connections}-${label}.txt`);
    const perSecond = lastRate ? lastRate * 1.5 : 1000;
    if (seconds > 0) {
      writeTokenRequests(file, Math.ceil(seconds * perSecond), {
        clientId: ready.clientId,
        kid: ready.kid,
        privateJwk: ready.privateJwk,
        audience: ready.tokenEndpoint,
      });
    }
    return {
      url: ready.tokenEndpoint,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      bodiesFile: file,
      connections,
      durationSeconds: seconds,
    };
  });
}

async function benchTokens(): Promise<void> {
  const scimdVariants: Array<[string, Record<string, string>]> = [
    ['scimd (ES256 tokens)', {}],
    ['scimd (RS256 tokens)', { BENCH_ACCESS_TOKEN_ALG: 'RS256' }],
  ];
  for (const [server, env] of scimdVariants) {
    const scimd = await start<TokenServer>('servers/scimd.ts', env);
    await tokenCase('client_credentials, 50 connections', server, scimd.ready, 50);
    if (server.includes('ES256')) {
      await tokenCase('client_credentials, 1 connection', server, scimd.ready, 1);
    }
    await stop(scimd.child);
  }

  for (const format of ['jwt', 'opaque']) {
    const peer = await start<TokenServer>('servers/oidc-provider.ts', {
      BENCH_TOKEN_FORMAT: format,
    });
    const server = `oidc-provider (${format})`;
    await tokenCase('client_credentials, 50 connections', server, peer.ready, 50);
    if (format === 'jwt')
      await tokenCase('client_credentials, 1 connection', server, peer.ready, 1);
    await stop(peer.child);
  }
}

interface ScimServer {
  scimBaseUrl: string;
  accessToken?: string;
}

async function scimCases(server: string, ready: ScimServer): Promise<void> {
  const token = ready.accessToken ?? 'bench';
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
  const base = new URL(ready.scimBaseUrl);
  const seeded = await seedUsers(
    ready.scimBaseUrl,
    token,
    settings.users,
    `seed-${server.replace(/\W/g, '')}`,
  );
  const pick = (count: number, make: (user: { id: string; userName: string }) => string) =>
    Array.from({ length: count }, (_, i) => make(seeded[(i * 7919) % seeded.length]!));

  let created = 0;
  await measure('scim', 'POST /Users', server, (seconds, label) => {
    const file = path.join(workDir, `scim-${server.replace(/\W/g, '')}-${label}.txt`);
    if (seconds > 0) {
      const count = Math.ceil(seconds * 6000);
      const lines = Array.from({ length: count }, () =>
        JSON.stringify(userBody(`new.${created++}@example.com`)),
      );
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
    }
    return {
      url: `${ready.scimBaseUrl}/Users`,
      method: 'POST',
      headers,
      bodiesFile: file,
      connections: 50,
      durationSeconds: seconds,
    };
  });

  await measure('scim', 'GET /Users/{id}', server, (seconds) => ({
    url: ready.scimBaseUrl,
    method: 'GET',
    headers,
    paths: pick(1000, (user) => `${base.pathname}/Users/${user.id}`),
    connections: 50,
    durationSeconds: seconds,
  }));

  await measure('scim', 'filter userName eq', server, (seconds) => ({
    url: ready.scimBaseUrl,
    method: 'GET',
    headers,
    paths: pick(
      1000,
      (user) =>
        `${base.pathname}/Users?filter=${encodeURIComponent(`userName eq "${user.userName}"`)}`,
    ),
    connections: 50,
    durationSeconds: seconds,
  }));

  await measure('scim', 'list page of 100', server, (seconds) => ({
    url: ready.scimBaseUrl,
    method: 'GET',
    headers,
    paths: Array.from(
      { length: 100 },
      (_, i) =>
        `${base.pathname}/Users?startIndex=${1 + ((i * 97) % Math.max(1, settings.users - 100))}&count=100`,
    ),
    connections: 50,
    durationSeconds: seconds,
  }));

  const probe = await fetch(`${ready.scimBaseUrl}/Users/${seeded[0]!.id}`, {
    method: 'PATCH',
    headers,
    body: JSON.stringify(patchBody('probe')),
  });
  if (probe.status === 200 || probe.status === 204) {
    await measure('scim', 'PATCH /Users/{id}', server, (seconds) => ({
      url: ready.scimBaseUrl,
      method: 'PATCH',
      headers,
      body: JSON.stringify(patchBody('Patched')),
      paths: pick(1000, (user) => `${base.pathname}/Users/${user.id}`),
      connections: 50,
      durationSeconds: seconds,
    }));
  } else {
    process.stderr.write(
      `scim     PATCH /Users/{id} skipped for ${server}: answered ${probe.status}\n`,
    );
  }
}

function patchBody(title: string) {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', path: 'title', value: title }],
  };
}

async function benchScim(): Promise<void> {
  const scimd = await start<ScimServer>('servers/scimd.ts');
  await scimCases('scimd (SQLite)', scimd.ready);
  await stop(scimd.child);

  if (process.env.SCIMD_BENCH_DATABASE_URL) {
    const onPostgres = await start<ScimServer>('servers/scimd.ts', {
      SCIMD_BENCH_DATABASE_URL: process.env.SCIMD_BENCH_DATABASE_URL,
    });
    await scimCases('scimd (PostgreSQL)', onPostgres.ready);
    await stop(onPostgres.child);
  }

  const peer = await start<ScimServer>('servers/scimmy.ts');
  await scimCases('SCIMMY (in memory)', peer.ready);
  await stop(peer.child);
}

try {
  if (wanted('ceiling')) await benchCeilings();
  if (wanted('token')) await benchTokens();
  if (wanted('scim')) await benchScim();
} finally {
  await Promise.all(children.map((child) => stop(child)));
  fs.rmSync(workDir, { recursive: true, force: true });
}

const report: Report = {
  date: new Date().toISOString(),
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  machine: describeMachine(),
  settings,
  ceilings,
  cases: results,
};
const resultsDir = path.join(BENCH_DIR, 'results');
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
const markdown = renderMarkdown(report);
fs.writeFileSync(path.join(resultsDir, 'latest.md'), markdown);
if (values['write-docs']) {
  fs.writeFileSync(path.join(BENCH_DIR, '..', 'docs', 'benchmarks.md'), markdown);
}
process.stdout.write(markdown);

const failed = results.filter((item) => item.failures > 0);
if (failed.length > 0) {
  process.stderr.write(`${failed.length} case(s) saw unexpected non-2xx responses or errors\n`);
  process.exitCode = 1;
}
