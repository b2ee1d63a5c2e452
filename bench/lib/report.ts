import type { LoadResult } from './load.js';
import type { MachineInfo } from './machine.js';

export interface CaseResult {
  group: string;
  name: string;
  server: string;
  connections: number;
  /** The median run by requests per second. */
  result: LoadResult;
  runs: LoadResult[];
  /** Unexpected non-2xx responses and connection errors over every run. */
  failures: number;
}

export interface Report {
  date: string;
  command: string;
  machine: MachineInfo;
  settings: { durationSeconds: number; runs: number; warmupSeconds: number; users: number };
  /** Operations per second on one core: rs256Verify, rs256Sign, es256Sign, eddsaSign. */
  ceilings: Record<string, number>;
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

function find(report: Report, name: string, server: string): CaseResult | undefined {
  return report.cases.find((item) => item.name === name && item.server === server);
}

function ratio(report: Report, name: string, server: string, peer: string): number | undefined {
  const ours = find(report, name, server)?.result.requestsPerSecond;
  const theirs = find(report, name, peer)?.result.requestsPerSecond;
  return ours && theirs ? ours / theirs : undefined;
}

/** Requests per second that one token request cannot beat: verify + sign + a bare request. */
function tokenCeiling(report: Report): number | undefined {
  const echo = find(report, 'POST echo', 'fastify')?.result.requestsPerSecond;
  const { rs256Verify, es256Sign } = report.ceilings;
  if (!echo || !rs256Verify || !es256Sign) return undefined;
  return 1 / (1 / rs256Verify + 1 / es256Sign + 1 / echo);
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
        : 'Servers and load generator were not pinned to separate cores.'),
    '',
    `Each case: ${settings.warmupSeconds} s warm-up, then the median of ${settings.runs} run(s) of ${settings.durationSeconds} s. ` +
      `SCIM read cases run against ${settings.users} seeded users.`,
    '',
    '## Ceilings on one core',
    '',
    '| operation | per second |',
    '| --- | ---: |',
    `| RS256 verify (node:crypto, cached key) | ${format(report.ceilings.rs256Verify)} |`,
    `| RS256 sign | ${format(report.ceilings.rs256Sign)} |`,
    `| ES256 sign | ${format(report.ceilings.es256Sign)} |`,
    `| EdDSA sign | ${format(report.ceilings.eddsaSign)} |`,
    `| bare Fastify POST echo, 50 connections | ${format(find(report, 'POST echo', 'fastify')?.result.requestsPerSecond)} |`,
    `| token endpoint ceiling: 1 RS256 verify + 1 ES256 sign + 1 bare request | ${format(tokenCeiling(report))} |`,
    '',
    '## Results',
    '',
    '| group | case | server | connections | req/s | p50 ms | p99 ms | failures |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...report.cases
      .filter((item) => item.group !== 'ceiling')
      .map(
        (item) =>
          `| ${item.group} | ${item.name} | ${item.server} | ${item.connections} | ${format(item.result.requestsPerSecond)} | ${item.result.latencyP50Ms} | ${item.result.latencyP99Ms} | ${item.failures} |`,
      ),
    '',
    '## Against the targets',
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
          .latencyP50Ms,
      goal: 0.35,
      kind: 'max',
      unit: 'ms',
    },
    {
      label: 'SCIM POST vs SCIMMY',
      measured: () => ratio(report, 'POST /Users', 'scimd (SQLite)', 'SCIMMY (in memory)'),
      goal: 2.5,
      kind: 'min',
      unit: '×',
    },
    {
      label: 'SCIM GET by id vs SCIMMY',
      measured: () => ratio(report, 'GET /Users/{id}', 'scimd (SQLite)', 'SCIMMY (in memory)'),
      goal: 3.5,
      kind: 'min',
      unit: '×',
    },
    {
      label: 'SCIM PATCH vs SCIMMY',
      measured: () => ratio(report, 'PATCH /Users/{id}', 'scimd (SQLite)', 'SCIMMY (in memory)'),
      goal: 4,
      kind: 'min',
      unit: '×',
    },
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
  return `${lines.join('\n')}\n`;
}
