// Drives one load run with autocannon in its own process (pinned apart from the server) and prints
// the result as one JSON line. Input arrives as JSON on stdin. A 1-connection run sends its
// requests one at a time and times each one itself, for sub-millisecond latencies.
import fs from 'node:fs';
import autocannon from 'autocannon';
import { runSequential } from './lib/sequential.js';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  headers: Record<string, string>;
  /** One body for every request, or a file of newline-separated bodies used once each. */
  body?: string;
  bodiesFile?: string;
  /** Bodies used in turn with `paths`, repeating: request i sends `bodiesInTurn[i % length]`. */
  bodiesInTurn?: string[];
  /** Paths used in turn, one per request; default: the URL's path. */
  paths?: string[];
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  connections: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSeconds: number;
  /** Count of responses per HTTP status. */
  statusCodes: Record<string, number>;
}

const spec = JSON.parse(fs.readFileSync(0, 'utf8')) as LoadSpec;
const bodies = spec.bodiesFile
  ? fs.readFileSync(spec.bodiesFile, 'utf8').split('\n').filter(Boolean)
  : undefined;
if (spec.connections === 1) {
  process.stdout.write(`${JSON.stringify(await runSequential(spec, bodies))}\n`);
  process.exit(0);
}
let next = 0;
// autocannon rejects more connections than single-use bodies.
const connections = bodies ? Math.min(spec.connections, bodies.length) : spec.connections;

const options: autocannon.Options = {
  url: spec.url,
  connections,
  duration: spec.durationSeconds,
  // A run with a list of single-use bodies also stops when the list is used up.
  ...(bodies ? { amount: bodies.length } : {}),
  requests: [
    {
      method: spec.method,
      headers: spec.headers,
      ...(spec.body !== undefined ? { body: spec.body } : {}),
      setupRequest: (request: autocannon.Request) => {
        const index = next++;
        if (bodies) request.body = bodies[index % bodies.length]!;
        else if (spec.bodiesInTurn)
          request.body = spec.bodiesInTurn[index % spec.bodiesInTurn.length]!;
        if (spec.paths) request.path = spec.paths[index % spec.paths.length]!;
        return request;
      },
    },
  ],
};

// autocannon reports a run's end at its next 1-second sample, so a run that uses up its bodies
// early would count the idle rest of that second. Such a run is timed to its last response.
let startedAt = performance.now();
let lastResponseAt = startedAt;
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon(options, (error, finished) => {
    clearTimeout(timer);
    if (error) reject(error);
    else resolve(finished);
  });
  instance.on('start', () => {
    startedAt = performance.now();
  });
  instance.on('response', () => {
    lastResponseAt = performance.now();
  });
  // autocannon ignores `duration` once `amount` is set, so a timer ends a run with single-use bodies.
  const timer = bodies ? setTimeout(() => instance.stop(), spec.durationSeconds * 1000) : undefined;
});
const usedUp = bodies !== undefined && result.requests.total >= bodies.length;
const seconds = usedUp
  ? (lastResponseAt - startedAt) / 1000
  : result.duration || spec.durationSeconds;
const output: LoadResult = {
  connections,
  requestsPerSecond: result.requests.total / seconds,
  latencyP50Ms: result.latency.p50,
  latencyP99Ms: result.latency.p99,
  total: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  durationSeconds: seconds,
  statusCodes: Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats?.count ?? 0]),
  ),
};
process.stdout.write(`${JSON.stringify(output)}\n`);
