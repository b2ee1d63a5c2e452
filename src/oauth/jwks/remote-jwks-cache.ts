import type { JWK } from 'jose';
import { type FetchedJwks, fetchJwksDocument, type JwksFetchOptions } from './fetch-jwks.js';

/** Logger for failed refreshes, such as Fastify's. */
export interface JwksCacheLogger {
  warn(data: Record<string, unknown>, message: string): void;
}

export interface RemoteJwksCacheOptions {
  /** Minimum time fetched keys are used, whatever the response's `Cache-Control`, in ms. Default 60 s. */
  minTtlMs?: number;
  /** Maximum time fetched keys are used before they are fetched again, in ms. Default 1 hour. */
  maxTtlMs?: number;
  /** Time used when the response has no `max-age`, in ms, bounded by the two above. Default 5 minutes. */
  defaultTtlMs?: number;
  /** How long the last good keys are still used after their time is up while refreshes fail, in ms. Default 1 hour. */
  staleMs?: number;
  /**
   * Minimum time between two fetches that an unknown `kid` triggers for one client, and how long
   * a failed fetch is remembered, in ms. Default 30 s.
   */
  refetchIntervalMs?: number;
  /** Downloads a JWKS; replaced in tests. */
  fetch?: (uri: string, options: JwksFetchOptions) => Promise<FetchedJwks>;
  logger?: JwksCacheLogger;
}

interface Entry {
  uri: string;
  keys?: JWK[];
  fetchedAt: number;
  /** Time the keys may be used without a refresh, in ms. */
  ttlMs: number;
  unknownKidRefetchAt: number;
  failure?: { error: unknown; at: number };
  pending?: Promise<JWK[]>;
}

/**
 * Keys fetched from clients' `jwks_uri`, cached per client in this process. Every process fetches
 * on its own: the keys are public, so nothing needs sharing, and a stale copy only delays a
 * rotation until the next unknown `kid` or the end of the cache time. A refresh that fails keeps
 * the last good keys in use for a bounded time, so that a short outage at the client's side does
 * not lock it out.
 */
export class RemoteJwksCache {
  private readonly entries = new Map<string, Entry>();
  private readonly minTtlMs: number;
  private readonly maxTtlMs: number;
  private readonly defaultTtlMs: number;
  private readonly staleMs: number;
  private readonly refetchIntervalMs: number;
  private readonly fetch: NonNullable<RemoteJwksCacheOptions['fetch']>;
  private readonly logger: JwksCacheLogger | undefined;

  constructor(options: RemoteJwksCacheOptions = {}) {
    this.minTtlMs = options.minTtlMs ?? 60_000;
    this.maxTtlMs = options.maxTtlMs ?? 3_600_000;
    this.defaultTtlMs = options.defaultTtlMs ?? 5 * 60_000;
    this.staleMs = options.staleMs ?? 3_600_000;
    this.refetchIntervalMs = options.refetchIntervalMs ?? 30_000;
    this.fetch = options.fetch ?? fetchJwksDocument;
    this.logger = options.logger;
  }

  /** Returns the client's keys, from the cache while they are fresh; throws JwksFetchError. */
  async keys(clientId: string, uri: string, options: JwksFetchOptions): Promise<JWK[]> {
    const entry = this.entryFor(clientId, uri);
    if (entry.keys && Date.now() - entry.fetchedAt < entry.ttlMs) return entry.keys;
    return this.load(clientId, entry, options);
  }

  /**
   * Fetches the keys again because an assertion named a `kid` the cached copy lacks, at most once
   * per refetch interval per client. Returns undefined when the interval has not passed.
   */
  async refetchForUnknownKid(
    clientId: string,
    uri: string,
    options: JwksFetchOptions,
  ): Promise<JWK[] | undefined> {
    const entry = this.entryFor(clientId, uri);
    if (entry.pending) return entry.pending;
    if (Date.now() - entry.unknownKidRefetchAt < this.refetchIntervalMs) return undefined;

    entry.unknownKidRefetchAt = Date.now();
    entry.failure = undefined;
    return this.load(clientId, entry, options);
  }

  private entryFor(clientId: string, uri: string): Entry {
    const existing = this.entries.get(clientId);
    if (existing && existing.uri === uri) return existing;

    const entry: Entry = { uri, fetchedAt: 0, ttlMs: 0, unknownKidRefetchAt: 0 };
    this.entries.set(clientId, entry);
    return entry;
  }

  private load(clientId: string, entry: Entry, options: JwksFetchOptions): Promise<JWK[]> {
    if (entry.pending) return entry.pending;

    // A failing jwks_uri is not fetched again for every token request that names the client.
    const { failure } = entry;
    if (failure && Date.now() - failure.at < this.refetchIntervalMs) {
      return this.staleOr(entry, failure.error);
    }

    entry.pending = this.fetch(entry.uri, options)
      .then(({ jwks, maxAgeSeconds }) => {
        entry.keys = jwks.keys;
        entry.fetchedAt = Date.now();
        entry.ttlMs = this.ttlFor(maxAgeSeconds);
        entry.failure = undefined;
        return jwks.keys;
      })
      .catch((error: unknown) => {
        entry.failure = { error, at: Date.now() };
        this.logger?.warn(
          {
            clientId,
            jwksUri: entry.uri,
            reason: (error as Error).message,
            servingStale: this.hasUsableStaleKeys(entry),
          },
          'jwks refresh failed',
        );
        return this.staleOr(entry, error);
      })
      .finally(() => {
        entry.pending = undefined;
      });
    return entry.pending;
  }

  /** Returns the response's `max-age`, or the default, bounded by the configured minimum and maximum. */
  private ttlFor(maxAgeSeconds: number | undefined): number {
    const requested = maxAgeSeconds === undefined ? this.defaultTtlMs : maxAgeSeconds * 1000;
    return Math.min(this.maxTtlMs, Math.max(this.minTtlMs, requested));
  }

  private hasUsableStaleKeys(entry: Entry): boolean {
    return entry.keys !== undefined && Date.now() - entry.fetchedAt < entry.ttlMs + this.staleMs;
  }

  private staleOr(entry: Entry, error: unknown): Promise<JWK[]> {
    if (this.hasUsableStaleKeys(entry)) return Promise.resolve(entry.keys!);
    return Promise.reject(error);
  }
}
