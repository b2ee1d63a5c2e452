import { type LoadResult, type LoadSpec, medianRun, runLoad } from './load.js';
import type { CaseResult } from './report.js';

/** How long each case runs. */
export interface MeasureSettings {
  durationSeconds: number;
  runs: number;
  warmupSeconds: number;
}

/** The identity of a case in the report. */
export interface CaseLabel {
  group: string;
  name: string;
  server: string;
  /** Users in the directory when the case ran. */
  users?: number;
  /** A fact the reader needs next to the figures, such as the size of the patched group. */
  note?: string;
}

/** Builds the load of one run. `lastRate` is the best requests per second so far. */
export type PrepareRun = (
  seconds: number,
  label: string,
  lastRate?: number,
) => LoadSpec | Promise<LoadSpec>;

/** A case measured beside cases on other servers, with its own wait for the server's backlog. */
export interface SideBySideCase {
  label: CaseLabel;
  prepare: PrepareRun;
  settle: () => Promise<void>;
}

/** Runs cases and collects their results in `results`, in the order they ran. */
export class Measurer {
  readonly results: CaseResult[] = [];

  /**
   * Waits until the server has responded to what a run left queued. autocannon stops at the end
   * of a run without waiting for requests in flight, and a slow case's backlog would otherwise
   * eat into the next run.
   */
  settle: () => Promise<void> = async () => undefined;

  constructor(private readonly settings: MeasureSettings) {}

  /** Number of loads each case prepares: the warm-up and the measured runs. */
  get preparationsPerCase(): number {
    return this.settings.runs + (this.settings.warmupSeconds > 0 ? 1 : 0);
  }

  /** Warms up unless the warm-up is 0 s, then measures `settings.runs` runs and records the median by requests per second. */
  async measure(label: CaseLabel, prepare: PrepareRun): Promise<void> {
    await this.measureSideBySide([{ label, prepare, settle: () => this.settle() }]);
  }

  private record(label: CaseLabel, runs: LoadResult[]): CaseResult {
    const median = medianRun(runs);
    const failures = runs.reduce((sum, r) => sum + r.non2xx + r.errors, 0);
    const item: CaseResult = {
      ...label,
      connections: median.connections,
      result: median,
      runs,
      failures,
    };
    this.results.push(item);
    this.log(item);
    return item;
  }

  /**
   * Measures cases on different servers side by side: each warms up, then every round runs each
   * case once, in turn. A drift in the machine's speed during the run then slows every server
   * alike, so their ratios hold. A case whose run fails is recorded as failed and leaves the rounds.
   */
  async measureSideBySide(cases: SideBySideCase[]): Promise<void> {
    const active = new Map<SideBySideCase, { runs: LoadResult[]; lastRate?: number }>();
    for (const item of cases) {
      try {
        // A warm-up of 0 s skips the warm-up run and the process it starts.
        const warmup =
          this.settings.warmupSeconds > 0
            ? await runLoad(await item.prepare(this.settings.warmupSeconds, 'warmup'))
            : undefined;
        if (warmup) await item.settle();
        active.set(item, { runs: [], lastRate: warmup?.requestsPerSecond });
      } catch (error) {
        this.fail(item.label, `load run failed: ${describeError(error)}`);
      }
    }

    for (let run = 0; run < this.settings.runs; run++) {
      for (const [item, state] of active) {
        try {
          const result = await runLoad(
            await item.prepare(this.settings.durationSeconds, `run${run}`, state.lastRate),
          );
          state.runs.push(result);
          await item.settle();
          state.lastRate = Math.max(state.lastRate ?? 0, result.requestsPerSecond);
        } catch (error) {
          this.fail(item.label, `load run failed: ${describeError(error)}`);
          active.delete(item);
        }
      }
    }

    for (const [item, state] of active) this.record(item.label, state.runs);
  }

  /** Records a case that did not run, with the reason. */
  skip(label: CaseLabel, reason: string): void {
    const item: CaseResult = { ...label, connections: 0, runs: [], failures: 0, skipped: reason };
    this.results.push(item);
    this.log(item);
  }

  /** Records a case that failed before its load started, such as a failed probe request. */
  fail(label: CaseLabel, reason: string): void {
    const item: CaseResult = { ...label, connections: 0, runs: [], failures: 1, note: reason };
    this.results.push(item);
    this.log(item);
  }

  private log(item: CaseResult): void {
    const where = `${item.group.padEnd(8)} ${item.name.padEnd(30)} ${item.server.padEnd(20)} ${String(item.users ?? '').padStart(8)}`;
    if (item.skipped) {
      process.stderr.write(`${where}  skipped: ${item.skipped}\n`);
      return;
    }
    if (!item.result) {
      process.stderr.write(`${where}  FAILED: ${item.note}\n`);
      return;
    }
    const { result } = item;
    const failed = item.failures
      ? `  FAILED: ${item.failures} non-2xx or errors (${result.timeouts} timeouts), statuses ${JSON.stringify(result.statusCodes)}`
      : '';
    const empty = result.total === 0 ? '  no request completed within the run' : '';
    process.stderr.write(
      `${where} ${String(item.connections).padStart(3)} conn ${result.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${result.latencyP50Ms} ms  p99 ${result.latencyP99Ms} ms${failed}${empty}\n`,
    );
  }
}

/** Returns the message of an error with its cause, which Node's fetch keeps apart ("fetch failed"). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
