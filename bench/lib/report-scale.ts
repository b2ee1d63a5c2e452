// The "Directory size" section of the benchmark page: each scale case at every directory size,
// and for the indexed reads the flatness ratio (p50 latency at the largest SQLite directory over
// p50 at the smallest).
import type { CaseResult, Report } from './report.js';
import { INDEXED_READS } from './scale-cases.js';

/** Indexed reads pass when p50 at the largest directory is at most this many times the smallest. */
export const FLATNESS_GOAL = 2;
/** Indexed reads pass when p50 at the largest directory is at most this many milliseconds. */
export const LARGEST_P50_GOAL_MS = 2;

const SQLITE = 'scimd (SQLite)';
const POSTGRES = 'scimd (PostgreSQL)';

/** Formats a latency in milliseconds with at most three decimals. */
export function formatMs(value: number): string {
  return String(Number(value.toFixed(3)));
}

/** Finds the scale case of `name` on `server` at `users`. */
export function findScale(
  report: Report,
  name: string,
  server: string,
  users: number,
): CaseResult | undefined {
  return report.cases.find(
    (item) =>
      item.group === 'scale' &&
      item.name === name &&
      item.server === server &&
      item.users === users,
  );
}

/** Computes p50 at the largest SQLite directory over p50 at the smallest, for one indexed read. */
export function flatness(report: Report, name: string): number | undefined {
  const sizes = sqliteSizes(report);
  if (sizes.length < 2) return undefined;
  const smallest = findScale(report, name, SQLITE, sizes[0]!)?.result?.latencyP50Ms;
  const largest = findScale(report, name, SQLITE, sizes.at(-1)!)?.result?.latencyP50Ms;
  return smallest && largest !== undefined ? largest / smallest : undefined;
}

/** Renders the section, or nothing when no scale case ran. */
export function renderScaleSection(report: Report): string[] {
  const columns = [
    ...sqliteSizes(report).map((users) => ({ server: SQLITE, users, title: `SQLite ${users}` })),
    ...report.cases
      .filter((item) => item.group === 'scale' && item.server === POSTGRES)
      .slice(0, 1)
      .map((item) => ({ server: POSTGRES, users: item.users!, title: `PostgreSQL ${item.users}` })),
  ];
  if (columns.length === 0) return [];

  const names = [
    ...new Set(report.cases.filter((item) => item.group === 'scale').map((item) => item.name)),
  ];
  const reads = names.filter((name) => (INDEXED_READS as readonly string[]).includes(name));
  const loads = names.filter((name) => !reads.includes(name));
  const header = `| case | ${columns.map((column) => column.title).join(' | ')} |`;
  const rule = `| --- | ${columns.map(() => '---:').join(' | ')} |`;

  const lines = [
    '## Directory size',
    '',
    `Indexed reads at 1 connection, p50 / p99 in ms. The flatness ratio is p50 at ${sizeWords(report)}; it passes at ${FLATNESS_GOAL}× or less, and p50 at the largest SQLite directory passes at ${LARGEST_P50_GOAL_MS} ms or less. Both checks cover SQLite only.`,
    '',
    `${header.slice(0, -1)}| flatness | within ${FLATNESS_GOAL}× | SQLite p50 ≤ ${LARGEST_P50_GOAL_MS} ms |`,
    `${rule} ---: | --- | --- |`,
  ];
  for (const name of reads) {
    const cells = columns.map((column) =>
      cell(
        findScale(report, name, column.server, column.users),
        (result) => `${formatMs(result.latencyP50Ms)} / ${formatMs(result.latencyP99Ms)}`,
      ),
    );
    const ratio = flatness(report, name);
    const largest = sqliteSizes(report).at(-1);
    const p50 = largest
      ? findScale(report, name, SQLITE, largest)?.result?.latencyP50Ms
      : undefined;
    lines.push(
      `| ${name} | ${cells.join(' | ')} | ${ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}×`} | ${verdict(ratio, FLATNESS_GOAL)} | ${verdict(p50, LARGEST_P50_GOAL_MS)} |`,
    );
  }

  lines.push('', 'Other cases in requests per second (connections as in the results table).', '');
  lines.push(header, rule);
  for (const name of loads) {
    const cells = columns.map((column) =>
      cell(findScale(report, name, column.server, column.users), (result) =>
        result.requestsPerSecond.toFixed(result.requestsPerSecond < 10 ? 1 : 0),
      ),
    );
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines;
}

function sqliteSizes(report: Report): number[] {
  const sizes = report.cases
    .filter((item) => item.group === 'scale' && item.server === SQLITE && item.users)
    .map((item) => item.users!);
  return [...new Set(sizes)].sort((a, b) => a - b);
}

function sizeWords(report: Report): string {
  const sizes = sqliteSizes(report);
  return sizes.length < 2
    ? 'the largest over the smallest SQLite directory'
    : `${sizes.at(-1)} users over ${sizes[0]} users on SQLite`;
}

function cell(
  item: CaseResult | undefined,
  show: (result: NonNullable<CaseResult['result']>) => string,
): string {
  if (!item) return 'not run';
  if (item.skipped) return 'skipped';
  if (!item.result) return '**failed**';
  return item.failures > 0 ? `**failed** (${show(item.result)})` : show(item.result);
}

function verdict(value: number | undefined, goal: number): string {
  if (value === undefined) return 'not measured';
  return value <= goal ? 'yes' : '**no**';
}
