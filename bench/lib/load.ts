import type { LoadResult, LoadSpec } from '../load-worker.js';
import { LOAD_CORE, runPinned } from './processes.js';

export type { LoadResult, LoadSpec } from '../load-worker.js';

/** Runs one load run in a separate process on the load core. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return runPinned<LoadResult>('load-worker.ts', LOAD_CORE, spec);
}

/** Median of the runs by requests per second; the run it picks keeps its latencies. */
export function medianRun(runs: LoadResult[]): LoadResult {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor(sorted.length / 2)]!;
}
