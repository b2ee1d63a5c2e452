import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds; request and query latencies of a provisioning server sit between 1 ms and a few s. */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Connection counts of a database pool at one moment. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/**
 * The Prometheus metrics of one scimd process, in a registry of its own so that several servers in
 * one process (tests) keep separate counts. Names are listed in the operations guide.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'scimd_http_requests_total',
    help: 'HTTP requests completed, by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'scimd_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its response, in seconds',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly tokensIssued = new Counter({
    name: 'scimd_tokens_issued_total',
    help: 'Access tokens issued by the token endpoint',
    registers: [this.registry],
  });

  readonly tokensRejected = new Counter({
    name: 'scimd_tokens_rejected_total',
    help: 'Token requests rejected, by OAuth error code',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly jwksFetches = new Counter({
    name: 'scimd_jwks_fetches_total',
    help: 'Downloads of client JWKS documents, by outcome (success or failure)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly scimOperations = new Counter({
    name: 'scimd_scim_operations_total',
    help: 'SCIM requests completed, by resource type, operation and status code',
    labelNames: ['resource', 'operation', 'status'] as const,
    registers: [this.registry],
  });

  readonly queryDuration = new Histogram({
    name: 'scimd_db_query_duration_seconds',
    help: 'Time of one database query, in seconds, by outcome (success or error)',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly auditFailures = new Counter({
    name: 'scimd_audit_write_failures_total',
    help: 'Audit events that could not be written',
    registers: [this.registry],
  });

  private poolStats: (() => PoolStats | undefined) | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'scimd_' });

    const stats = () => this.poolStats?.();
    new Gauge({
      name: 'scimd_db_pool_connections',
      help: 'Database pool connections by state (total, idle, waiting requests); PostgreSQL only',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const current = stats();
        if (!current) return;
        this.set({ state: 'total' }, current.total);
        this.set({ state: 'idle' }, current.idle);
        this.set({ state: 'waiting' }, current.waiting);
      },
    });
  }

  /** Reads the pool's connection counts each time the metrics are scraped. */
  watchPool(stats: () => PoolStats | undefined): void {
    this.poolStats = stats;
  }

  /** Records one database query's duration in milliseconds. */
  observeQuery(durationMs: number, ok: boolean): void {
    this.queryDuration.observe({ outcome: ok ? 'success' : 'error' }, durationMs / 1000);
  }

  /** Wraps a JWKS download function so that every call is counted by outcome. */
  countJwksFetches<A extends unknown[], R>(
    fetcher: (...args: A) => Promise<R>,
  ): (...args: A) => Promise<R> {
    return async (...args) => {
      try {
        const result = await fetcher(...args);
        this.jwksFetches.inc({ outcome: 'success' });
        return result;
      } catch (error) {
        this.jwksFetches.inc({ outcome: 'failure' });
        throw error;
      }
    };
  }
}
