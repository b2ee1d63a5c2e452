// One connection, one request at a time, each timed with performance.now(). autocannon 8 stores
// latencies in whole milliseconds, which cannot tell 0.6 ms from 1.4 ms, and the 1-connection
// cases need that resolution for their p50 targets.
import http from 'node:http';
import type { LoadResult, LoadSpec } from '../load-worker.js';

/** Sends requests one after another over one keep-alive connection for the spec's duration. */
export async function runSequential(
  spec: LoadSpec,
  bodies: string[] | undefined,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(spec.url);
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;

  const started = performance.now();
  const end = started + spec.durationSeconds * 1000;
  for (let index = 0; performance.now() < end; index++) {
    if (bodies && index >= bodies.length) break;
    let body = spec.body;
    if (bodies) body = bodies[index];
    else if (spec.bodiesInTurn) body = spec.bodiesInTurn[index % spec.bodiesInTurn.length];
    const path = spec.paths ? spec.paths[index % spec.paths.length]! : url.pathname + url.search;

    const begin = performance.now();
    try {
      const status = await send(agent, url, spec, path, body);
      latencies.push(performance.now() - begin);
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (status < 200 || status > 299) non2xx++;
    } catch (error) {
      errors++;
      if ((error as Error).message === 'timeout') timeouts++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    Math.round(
      (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0) * 1000,
    ) / 1000;
  return {
    connections: 1,
    requestsPerSecond: latencies.length / seconds,
    latencyP50Ms: percentile(0.5),
    latencyP99Ms: percentile(0.99),
    total: latencies.length + errors,
    non2xx,
    errors,
    timeouts,
    durationSeconds: seconds,
    statusCodes,
  };
}

function send(
  agent: http.Agent,
  url: URL,
  spec: LoadSpec,
  path: string,
  body: string | undefined,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: spec.method,
        path,
        headers:
          body === undefined
            ? spec.headers
            : { ...spec.headers, 'content-length': Buffer.byteLength(body) },
        timeout: 10_000,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
    request.end(body);
  });
}
