// `npm run bench`: measures scimd beside the ceilings of this machine and beside its peers
// (oidc-provider for the token endpoint, SCIMMY for SCIM), all in one run. Options:
//   --quick            one run of one second per case without warm-up, and small directories
//                      (for CI; timings are not asserted)
//   --duration N       seconds per measured run (default 10)
//   --runs N           measured runs per case; the median is reported (default 3)
//   --scale LIST       users seeded for the scale cases on SQLite, comma-separated
//                      (default 10000,100000,1000000; quick: 1000,10000)
//   --users N          the same as --scale N
//   --peer-scale LIST  users for the cases compared with SCIMMY (default 1000,10000; quick: 1000)
//   --postgres-scale N users for scimd on PostgreSQL (default 100000; quick: 10000)
//   --only WORD        run only the cases whose group contains WORD (ceiling, token, scim, scale)
//   --write-docs       also write docs/benchmarks.md
// SCIMD_BENCH_DATABASE_URL=postgres://… adds scimd on PostgreSQL.

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeTokenRequests } from './lib/assertions.js';
import { describeMachine } from './lib/machine.js';
import { Measurer, type PrepareRun, type SideBySideCase } from './lib/measure.js';
import { runPeerCases } from './lib/peer-cases.js';
import {
  BENCH_DIR,
  LOAD_CORE,
  runPinned,
  SERVER_CORE,
  startPinned,
  stop,
} from './lib/processes.js';
import { describeCommand, type Report, renderMarkdown } from './lib/report.js';
import { runScaleCases } from './lib/scale-cases.js';
import { type ScimTarget, waitForBacklog } from './lib/scim-target.js';
import type { SeededUser, SeedSummary } from './lib/seed-store.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    runs: { type: 'string' },
    scale: { type: 'string' },
    users: { type: 'string' },
    'peer-scale': { type: 'string' },
    'postgres-scale': { type: 'string' },
    only: { type: 'string' },
    'write-docs': { type: 'boolean', default: false },
  },
});

function readSizes(option: string, value: string): number[] {
  const sizes = value.split(',').map((item) => Number(item.trim()));
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new Error(`--${option} must list whole numbers of users above 0, got ${value}`);
  }
  return sizes;
}

const quick = values.quick ?? false;
const settings = {
  durationSeconds: Number(values.duration ?? (quick ? 1 : 10)),
  runs: Number(values.runs ?? (quick ? 1 : 3)),
  // Quick runs skip the warm-up: each load run starts a process, which costs more than the run.
  warmupSeconds: quick ? 0 : 3,
  scales: readSizes(
    'scale',
    values.scale ?? values.users ?? (quick ? '1000,10000' : '10000,100000,1000000'),
  ),
  peerScales: readSizes('peer-scale', values['peer-scale'] ?? (quick ? '1000' : '1000,10000')),
  postgresScale: readSizes(
    'postgres-scale',
    values['postgres-scale'] ?? (quick ? '10000' : '100000'),
  )[0]!,
};
const only = values.only;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scimd-bench-'));
const measurer = new Measurer(settings);
let ceilings: Record<string, number> = {};
const children: ChildProcess[] = [];

function wanted(group: string): boolean {
  return !only || group.includes(only);
}

function measure(group: string, name: string, server: string, prepare: PrepareRun) {
  return measurer.measure({ group, name, server }, prepare);
}

async function start<T>(script: string, env: Record<string, string> = {}) {
  const started = await startPinned<T>(script, { core: SERVER_CORE, env });
  children.push(started.child);
  return started;
}

async function benchCeilings(): Promise<void> {
  ceilings = await runPinned('ceilings.ts', SERVER_CORE, { seconds: quick ? 0.5 : 3 });
  const echo = await start<{ url: string }>('servers/echo.ts');
  const echoLoad = (connections: number) => (seconds: number) => ({
    url: `${echo.ready.url}/echo`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', scope: 'manage:directory' }),
    connections,
    durationSeconds: seconds,
  });
  await measure('ceiling', 'POST echo', 'fastify', echoLoad(50));
  // The latency floor of the 1-connection cases: the load generator's own share is in it.
  await measure('ceiling', 'POST echo, 1 connection', 'fastify', echoLoad(1));
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
 * assertions ends early and is timed to its last response.
 */
function tokenCase(
  name: string,
  server: string,
  ready: TokenServer,
  connections: number,
): SideBySideCase {
  return {
    label: { group: 'token', name, server },
    settle: async () => undefined,
    prepare: (seconds, label, lastRate) => {
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
    },
  };
}

/**
 * Runs scimd and oidc-provider side by side, every server started before the first case. scimd
 * stores its replay and audit rows in SQLite, and also in PostgreSQL when
 * SCIMD_BENCH_DATABASE_URL is set.
 */
async function benchTokens(): Promise<void> {
  // An empty URL keeps a server on SQLite although this process has SCIMD_BENCH_DATABASE_URL.
  const sqlite = { SCIMD_BENCH_DATABASE_URL: '' };
  const es256 = await start<TokenServer>('servers/scimd.ts', sqlite);
  const rs256 = await start<TokenServer>('servers/scimd.ts', {
    ...sqlite,
    BENCH_ACCESS_TOKEN_ALG: 'RS256',
  });
  const postgresUrl = process.env.SCIMD_BENCH_DATABASE_URL;
  const postgres = postgresUrl
    ? await start<TokenServer>('servers/scimd.ts', { SCIMD_BENCH_DATABASE_URL: postgresUrl })
    : undefined;
  const jwt = await start<TokenServer>('servers/oidc-provider.ts', { BENCH_TOKEN_FORMAT: 'jwt' });
  const opaque = await start<TokenServer>('servers/oidc-provider.ts', {
    BENCH_TOKEN_FORMAT: 'opaque',
  });

  // Every server at 50 connections. At 1 connection, the default of each: scimd's ES256 tokens
  // on SQLite (and PostgreSQL) and oidc-provider's JWT tokens.
  const fifty = 'client_credentials, 50 connections';
  const fiftyCases = [
    tokenCase(fifty, 'scimd (ES256 tokens)', es256.ready, 50),
    tokenCase(fifty, 'scimd (RS256 tokens)', rs256.ready, 50),
    tokenCase(fifty, 'oidc-provider (jwt)', jwt.ready, 50),
    tokenCase(fifty, 'oidc-provider (opaque)', opaque.ready, 50),
  ];
  const single = 'client_credentials, 1 connection';
  const singleCases = [
    tokenCase(single, 'scimd (ES256 tokens)', es256.ready, 1),
    tokenCase(single, 'oidc-provider (jwt)', jwt.ready, 1),
  ];
  if (postgres) {
    const server = 'scimd (ES256 tokens, PostgreSQL)';
    fiftyCases.push(tokenCase(fifty, server, postgres.ready, 50));
    singleCases.push(tokenCase(single, server, postgres.ready, 1));
  }
  await measurer.measureSideBySide(fiftyCases);
  await measurer.measureSideBySide(singleCases);

  const servers = [es256, rs256, postgres, jwt, opaque].flatMap((server) => server ?? []);
  await Promise.all(servers.map((server) => stop(server.child)));
}

interface ScimdReady {
  scimBaseUrl: string;
  accessToken: string;
  directoryId: string;
  databaseLocation: string;
}

/** Returns the large group's member count: 100 000 when the directory is big enough, never all users. */
function largeGroupSize(users: number): number {
  return Math.min(100_000, users - Math.min(20_000, Math.floor(users / 10)));
}

/** Starts scimd, seeds `users` users through the storage layer, and runs the chosen cases. */
async function benchScimd(server: string, users: number, env: Record<string, string>) {
  const scimd = await start<ScimdReady>('servers/scimd.ts', env);
  const seed = await runPinned<SeedSummary>('seed.ts', LOAD_CORE, null, [
    '--database',
    scimd.ready.databaseLocation,
    '--directory',
    scimd.ready.directoryId,
    '--users',
    String(users),
    '--large-group',
    String(largeGroupSize(users)),
    '--json',
  ]);
  const target: ScimTarget = {
    server,
    scimBaseUrl: scimd.ready.scimBaseUrl,
    token: scimd.ready.accessToken,
    users,
    sample: seed.sample,
    largeGroup: seed.groups[0],
    outsiders: seed.outsiders,
    workDir,
  };
  seedTimes.push({ server, users, seconds: seed.seconds });

  measurer.settle = () => waitForBacklog(target);
  // The scale cases go first: their reads must see exactly the seeded users.
  if (wanted('scale')) await runScaleCases(measurer, target);
  if (wanted('scim') && settings.peerScales.includes(users)) {
    const peer = await startScimmy(users);
    await runPeerCases(measurer, [target, peer.target]);
    await stop(peer.child);
  }
  await stop(scimd.child);
}

/** Starts SCIMMY with `users` users, to run beside scimd. */
async function startScimmy(users: number) {
  const peer = await start<{ scimBaseUrl: string; sample: SeededUser[] }>('servers/scimmy.ts', {
    BENCH_SEED_USERS: String(users),
  });
  const target: ScimTarget = {
    server: 'SCIMMY (in memory)',
    scimBaseUrl: peer.ready.scimBaseUrl,
    token: 'bench',
    users,
    sample: peer.ready.sample,
    outsiders: [],
    workDir,
  };
  return { child: peer.child, target };
}

const seedTimes: Report['seeding'] = [];

async function benchScim(): Promise<void> {
  const sqliteSizes = [
    ...new Set([
      ...(wanted('scale') ? settings.scales : []),
      ...(wanted('scim') ? settings.peerScales : []),
    ]),
  ].sort((a, b) => a - b);
  // An empty URL keeps the server on SQLite although this process has SCIMD_BENCH_DATABASE_URL.
  for (const users of sqliteSizes) {
    await benchScimd('scimd (SQLite)', users, { SCIMD_BENCH_DATABASE_URL: '' });
  }

  const postgresUrl = process.env.SCIMD_BENCH_DATABASE_URL;
  if (postgresUrl) {
    await benchScimd('scimd (PostgreSQL)', settings.postgresScale, {
      SCIMD_BENCH_DATABASE_URL: postgresUrl,
    });
  }
}

try {
  if (wanted('ceiling')) await benchCeilings();
  if (wanted('token')) await benchTokens();
  if (wanted('scim') || wanted('scale')) await benchScim();
} finally {
  await Promise.all(children.map((child) => stop(child)));
  fs.rmSync(workDir, { recursive: true, force: true });
}

const report: Report = {
  date: new Date().toISOString(),
  command: describeCommand(process.argv.slice(2), process.env.SCIMD_BENCH_DATABASE_URL),
  machine: describeMachine(),
  settings,
  ceilings,
  seeding: seedTimes,
  cases: measurer.results,
};
const resultsDir = path.join(BENCH_DIR, 'results');
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
const markdown = renderMarkdown(report);
fs.writeFileSync(path.join(resultsDir, 'latest.md'), markdown);
if (values['write-docs']) {
  // The analysis of what limits each case is written by hand from a profile, so it lives in its
  // own file and follows the generated tables.
  const analysisFile = path.join(BENCH_DIR, 'analysis.md');
  const analysis = fs.existsSync(analysisFile) ? `\n${fs.readFileSync(analysisFile, 'utf8')}` : '';
  fs.writeFileSync(path.join(BENCH_DIR, '..', 'docs', 'benchmarks.md'), markdown + analysis);
}
process.stdout.write(markdown);
const written = values['write-docs']
  ? 'and docs/benchmarks.md'
  : '(docs/benchmarks.md is unchanged: add --write-docs to rewrite it)';
process.stderr.write(`results written to bench/results/latest.json and latest.md ${written}\n`);

const failed = measurer.results.filter((item) => item.failures > 0);
if (failed.length > 0) {
  process.stderr.write(`${failed.length} case(s) saw unexpected non-2xx responses or errors\n`);
  process.exitCode = 1;
}
