import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadResult } from '../../bench/lib/load.js';
import {
  type CaseResult,
  describeCommand,
  type Report,
  renderMarkdown,
} from '../../bench/lib/report.js';
import { flatness } from '../../bench/lib/report-scale.js';

function load(p50: number, requestsPerSecond = 1000): LoadResult {
  return {
    connections: 1,
    requestsPerSecond,
    latencyP50Ms: p50,
    latencyP99Ms: p50 * 3,
    total: 100,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    durationSeconds: 1,
    statusCodes: { '200': 100 },
  };
}

function scaleCase(name: string, users: number, p50: number): CaseResult {
  const result = load(p50);
  return {
    group: 'scale',
    name,
    server: 'scimd (SQLite)',
    users,
    connections: 1,
    result,
    runs: [result],
    failures: 0,
  };
}

function report(cases: CaseResult[]): Report {
  return {
    date: '2026-01-01T00:00:00.000Z',
    command: 'npm run bench',
    machine: {
      cpuModel: 'test',
      cores: 2,
      memoryGiB: 4,
      node: 'v20',
      os: 'Linux',
      pinned: true,
      loadAverage: 0.5,
    },
    settings: {
      durationSeconds: 1,
      runs: 1,
      warmupSeconds: 1,
      scales: [10000, 1000000],
      peerScales: [1000],
      postgresScale: 100000,
    },
    ceilings: {},
    seeding: [{ server: 'scimd (SQLite)', users: 1000000, seconds: 120 }],
    cases,
  };
}

const cases = [
  scaleCase('GET /Users/{id}', 10000, 0.5),
  scaleCase('GET /Users/{id}', 1000000, 0.8),
  scaleCase('filter userName eq', 10000, 0.5),
  scaleCase('filter userName eq', 1000000, 1.5),
  {
    group: 'scale',
    name: 'filter emails.value eq',
    server: 'scimd (SQLite)',
    users: 10000,
    connections: 0,
    runs: [],
    failures: 0,
    skipped: 'not supported by this build',
  },
];

test('flatness divides largest by smallest', () => {
  assert.equal(flatness(report(cases), 'GET /Users/{id}'), 0.8 / 0.5);
});

test('flatness without two sizes', () => {
  assert.equal(flatness(report(cases.slice(0, 1)), 'GET /Users/{id}'), undefined);
});

test('markdown marks a flatness miss', () => {
  const markdown = renderMarkdown(report(cases));

  assert.match(
    markdown,
    /\| GET \/Users\/\{id\} \| 0\.5 \/ 1\.5 \| 0\.8 \/ 2\.4 \| 1\.60× \| yes \| yes \|/,
  );
  assert.match(
    markdown,
    /\| filter userName eq \| 0\.5 \/ 1\.5 \| 1\.5 \/ 4\.5 \| 3\.00× \| \*\*no\*\* \| yes \|/,
  );
});

test('markdown shows a skipped case', () => {
  const markdown = renderMarkdown(report(cases));

  assert.match(markdown, /\| filter emails\.value eq \| skipped \| not run \|/);
  assert.match(markdown, /skipped: not supported by this build/);
});

test('markdown states seeding and load', () => {
  const markdown = renderMarkdown(report(cases));

  assert.match(markdown, /1000000 users on scimd \(SQLite\) in 120\.0 s/);
  assert.match(markdown, /load average was 0\.5/);
});

test('markdown opens with the targets', () => {
  const markdown = renderMarkdown(report(cases));
  const headings = markdown.split('\n').filter((line) => line.startsWith('## '));

  assert.equal(headings[0], '## Against the targets');
  assert.match(
    markdown,
    /\| token endpoint p50 at 1 connection \| n\/a ms \| ≤ 0\.35 ms \| not measured \|/,
  );
});

test('markdown flags a short run', () => {
  const short = renderMarkdown(report(cases));
  const full = report(cases);
  full.settings = { ...full.settings, durationSeconds: 10, warmupSeconds: 3 };

  assert.match(short, /\*\*A short run\*\* \(1 s per case, 1 s warm-up\)/);
  assert.doesNotMatch(renderMarkdown(full), /A short run/);
});

test('command names database without password', () => {
  assert.equal(describeCommand(['--quick'], undefined), 'npm run bench -- --quick');
  assert.equal(
    describeCommand([], 'postgres://bench:secret@127.0.0.1:5432/test'),
    'SCIMD_BENCH_DATABASE_URL=postgres://bench:PASSWORD@127.0.0.1:5432/test npm run bench',
  );
  assert.equal(
    describeCommand(['--write-docs'], 'postgres://postgres@127.0.0.1:5432/test'),
    'SCIMD_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench -- --write-docs',
  );
});
