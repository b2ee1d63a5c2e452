import type { LoadResult } from './load.js';
import type { MachineInfo } from './machine.js';
import { formatMs, renderScaleSection } from './report-scale.js';

export interface CaseResult {
  group: string;
  name: string;
  server: string;
  /** Users in the directory when the case ran. */
  users?: number;
  connections: number;
  /** The median run by requests per second, absent when the case was skipped or failed early. */
  result?: LoadResult;
  runs: LoadResult[];
  /** Unexpected non-2xx responses and connection errors over every run. */
  failures: number;
  /** The reason the case did not run, such as a feature this build lacks. */
  skipped?: string;
  /** A fact to show beside the figures, or why the case failed before its load started. */
  note?: string;
}

export interface Report {
  date: string;
  command: string;
  machine: MachineInfo;
  settings: {
    durationSeconds: number;
    runs: number;
    warmupSeconds: number;
    scales: number[];
    peerScales: number[];
    postgresScale: number;
  };
  /** Operations per second on one core: rs256Verify, rs256Sign, es256Sign, eddsaSign. */
  ceilings: Record<string, number>;
  /** How long the storage seeder took for each directory. */
  seeding: Array<{ server: string; users: number; seconds: number }>;
  cases: CaseResult[];
}

/** A target the project set itself: `case` of scimd compared with a reference. */
interface Target {
  label: string;
  measured: () => number | undefined;
  goal: number;
  /** `min`: the measured value must reach the goal; `max`: it must stay at or below it. */
  kind: 'min' | 'max';
  unit: string;
}

const format = (value: number | undefined, digits = 0) =>
  value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);

function find(
  report: Report,
  name: string,
  server: string,
  users?: number,
): CaseResult | undefined {
  return report.cases.find(
    (item) =>
      item.name === name &&
      item.server === server &&
      item.group !== 'scale' &&
      (users === undefined || item.users === users),
  );
}

function ratio(
  report: Report,
  name: string,
  server: string,
  peer: string,
  users?: number,
): number | undefined {
  const ours = find(report, name, server, users)?.result?.requestsPerSecond;
  const theirs = find(report, name, peer, users)?.result?.requestsPerSecond;
  return ours && theirs ? ours / theirs : undefined;
}

function resultRow(item: CaseResult): string {
  const users = item.users ?? '';
  const note = item.skipped ? `skipped: ${item.skipped}` : (item.note ?? '');
  const result = item.result;
  if (!result) {
    return `| ${item.group} | ${item.name} | ${item.server} | ${users} | | | | | ${item.failures} | ${note} |`;
  }
  // A run that completed nothing has no latency: its requests timed out or outlasted the run.
  const completed = result.total - result.errors;
  let why = '';
  if (completed <= 0) {
    why =
      result.timeouts > 0
        ? `no request completed: ${result.timeouts} timed out`
        : `no request completed within the ${format(result.durationSeconds, 1)} s run`;
  }
  return `| ${item.group} | ${item.name} | ${item.server} | ${users} | ${item.connections} | ${format(result.requestsPerSecond, result.requestsPerSecond < 10 ? 1 : 0)} | ${formatMs(result.latencyP50Ms)} | ${formatMs(result.latencyP99Ms)} | ${item.failures} | ${[note, why].filter(Boolean).join('; ')} |`;
}

function seedingWords(report: Report): string {
  if (report.seeding.length === 0) return 'none this run';
  return report.seeding
    .map((seed) => `${seed.users} users on ${seed.server} in ${seed.seconds.toFixed(1)} s`)
    .join(', ');
}

/** Requests per second that one token request cannot beat: verify + sign + a bare request. */
function tokenCeiling(report: Report): number | undefined {
  const echo = find(report, 'POST echo', 'fastify')?.result?.requestsPerSecond;
  const { rs256Verify, es256Sign } = report.ceilings;
  if (!echo || !rs256Verify || !es256Sign) return undefined;
  return 1 / (1 / rs256Verify + 1 / es256Sign + 1 / echo);
}

/** Returns the command that repeats a run, with its PostgreSQL URL and without the password. */
export function describeCommand(args: string[], databaseUrl: string | undefined): string {
  const command = `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
  if (!databaseUrl) return command;

  const url = new URL(databaseUrl);
  if (url.password) url.password = 'PASSWORD';
  return `SCIMD_BENCH_DATABASE_URL=${url.toString()} ${command}`;
}

/** Renders the report as the Markdown page kept in docs/benchmarks.md. */
export function renderMarkdown(report: Report): string {
  const { machine, settings } = report;
  const lines = [
    '# Benchmarks',
    '',
    `Measured on ${report.date.slice(0, 10)} with \`${report.command}\`.`,
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node.js ${machine.node}, ${machine.os}. ` +
      (machine.pinned
        ? 'Each server runs on core 0 and the load generator (autocannon, in its own process) on core 1.'
        : 'Servers and load generator were not pinned to separate cores.') +
      (machine.loadAverage === undefined
        ? ''
        : ` The one-minute load average was ${machine.loadAverage} when the run started.`),
    '',
    'Run it with `npm run bench` (add `--quick` for a short check and `--write-docs` to rewrite this page);',
    'the options are listed at the top of bench/run.ts. `npm run seed` fills a directory on its own.',
    '1-connection cases send one request at a time and time each one; the others use autocannon.',
    'The PostgreSQL cases run only when `SCIMD_BENCH_DATABASE_URL` names a PostgreSQL server on which',
    'the benchmark may create and drop a database, such as `postgres://postgres@127.0.0.1:5432/test`.',
    'The peers are oidc-provider for the token endpoint and SCIMMY for SCIM, installed from npm as',
    'devDependencies; "Against the targets" compares them. A peer runs beside scimd: after the',
    'warm-ups, each round runs the case once on every server in turn, so that a change in the',
    "machine's speed during the run reaches them alike.",
    '',
    `Each case: ${settings.warmupSeconds > 0 ? `${settings.warmupSeconds} s warm-up, then ` : 'no warm-up, '}the median of ${settings.runs} run(s) of ${settings.durationSeconds} s. ` +
      `Directories are filled by the storage seeder (\`npm run seed\`) before their cases run: ${seedingWords(report)}.`,
    '',
    ...renderTargets(report),
    '## Ceilings on one core',
    '',
    '| operation | per second |',
    '| --- | ---: |',
    `| RS256 verify (node:crypto, cached key) | ${format(report.ceilings.rs256Verify)} |`,
    `| RS256 sign | ${format(report.ceilings.rs256Sign)} |`,
    `| ES256 sign | ${format(report.ceilings.es256Sign)} |`,
    `| EdDSA sign | ${format(report.ceilings.eddsaSign)} |`,
    `| bare Fastify POST echo, 50 connections | ${format(find(report, 'POST echo', 'fastify')?.result?.requestsPerSecond)} |`,
    `| bare Fastify POST echo, 1 connection: p50 latency in ms, a floor for the 1-connection p50 targets | ${find(report, 'POST echo, 1 connection', 'fastify')?.result?.latencyP50Ms ?? 'n/a'} |`,
    `| token endpoint ceiling: 1 RS256 verify + 1 ES256 sign + 1 bare request | ${format(tokenCeiling(report))} |`,
    '',
    ...renderScaleSection(report),
    '## Results',
    '',
    '| group | case | server | users | connections | req/s | p50 ms | p99 ms | failures | note |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...report.cases.filter((item) => item.group !== 'ceiling').map(resultRow),
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/** Renders the ratios against the peers and the latency goals, the page's summary. */
function renderTargets(report: Report): string[] {
  const { settings } = report;
  const short = settings.warmupSeconds === 0 || settings.durationSeconds < 5;
  const lines = [
    '## Against the targets',
    '',
    "The project set these targets from the peers' rates measured on a 2-core machine of this kind",
    'before scimd existed. Each ratio compares two servers measured in this run. The token rows',
    'compare scimd on SQLite, issuing ES256 access tokens, with oidc-provider issuing ES256 JWT or',
    'opaque access tokens; both verify RS256 client assertions.',
    ...(short
      ? [
          '',
          `**A short run** (${settings.durationSeconds} s per case, ${settings.warmupSeconds > 0 ? `${settings.warmupSeconds} s warm-up` : 'no warm-up'}): servers are still warming up, so these ratios can differ widely from a full run and show only that every case works.`,
        ]
      : []),
    '',
    '| target | measured | goal | met |',
    '| --- | ---: | ---: | --- |',
  ];
  const tokens50 = 'client_credentials, 50 connections';
  const targets: Target[] = [
    {
      label: 'token endpoint vs oidc-provider JWT tokens',
      measured: () => ratio(report, tokens50, 'scimd (ES256 tokens)', 'oidc-provider (jwt)'),
      goal: 3,
      kind: 'min',
      unit: '×',
    },
    {
      label: 'token endpoint vs oidc-provider opaque tokens',
      measured: () => ratio(report, tokens50, 'scimd (ES256 tokens)', 'oidc-provider (opaque)'),
      goal: 1.5,
      kind: 'min',
      unit: '×',
    },
    {
      label: 'token endpoint p50 at 1 connection',
      measured: () =>
        find(report, 'client_credentials, 1 connection', 'scimd (ES256 tokens)')?.result
          ?.latencyP50Ms,
      goal: 0.35,
      kind: 'max',
      unit: 'ms',
    },
    ...report.settings.peerScales.flatMap((users) =>
      (
        [
          ['POST /Users', 2.5],
          ['GET /Users/{id}', 3.5],
          ['PATCH /Users/{id}', 4],
        ] as const
      ).map(([name, goal]) => ({
        label: `SCIM ${name} vs SCIMMY, ${users} users`,
        measured: () => ratio(report, name, 'scimd (SQLite)', 'SCIMMY (in memory)', users),
        goal,
        kind: 'min' as const,
        unit: '×',
      })),
    ),
  ];
  for (const target of targets) {
    const value = target.measured();
    const met =
      value === undefined
        ? 'not measured'
        : (target.kind === 'min' ? value >= target.goal : value <= target.goal)
          ? 'yes'
          : '**no**';
    lines.push(
      `| ${target.label} | ${format(value, 2)} ${target.unit} | ${target.kind === 'min' ? '≥' : '≤'} ${target.goal} ${target.unit} | ${met} |`,
    );
  }
  lines.push('');
  return lines;
}
