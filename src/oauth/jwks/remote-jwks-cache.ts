import type { JWK } from 'jose';
import { fetchJwks, type JwksFetchOptions } from './fetch-jwks.js';

export interface RemoteJwksCacheOptions {
  /** How long fetched keys are used before they are fetched again, in ms. Default 5 minutes. */
  ttlMs?: number;
  /**
   * Minimum time between two fetches that an unknown `kid` triggers for one client, and how long
   * a failed fetch is remembered, in ms. Default 30 s.
   */
  refetchIntervalMs?: number;
  /** Downloads a JWKS; replaced in tests. */
  fetch?: typeof fetchJwks;
}

interface Entry {
  uri: string;
  keys?: JWK[];
  fetchedAt: number;
  unknownKidRefetchAt: number;
  failure?: { error: unknown; at: number };
  pending?: Promise<JWK[]>;
}

/**
 * Keys fetched from clients' `jwks_uri`, cached per client in this process. Every process fetches
 * on its own: the keys are public, so nothing needs sharing, and a stale copy only delays a
 * rotation until the next unknown `kid` or the end of the TTL.
 */
export class RemoteJwksCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly refetchIntervalMs: number;
  private readonly fetch: typeof fetchJwks;

  constructor(options: RemoteJwksCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.refetchIntervalMs = options.refetchIntervalMs ?? 30_000;
    this.fetch = options.fetch ?? fetchJwks;
  }

  /** Returns the client's keys, from the cache while it is fresh; throws JwksFetchError. */
  async keys(clientId: string, uri: string, options: JwksFetchOptions): Promise<JWK[]> {
    const entry = this.entryFor(clientId, uri);
    if (entry.keys && Date.now() - entry.fetchedAt < this.ttlMs) return entry.keys;
    return this.load(entry, options);
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
    return this.load(entry, options);
  }

  private entryFor(clientId: string, uri: string): Entry {
    const existing = this.entries.get(clientId);
    if (existing && existing.uri === uri) return existing;

    const entry: Entry = { uri, fetchedAt: 0, unknownKidRefetchAt: 0 };
    this.entries.set(clientId, entry);
    return entry;
  }

  private load(entry: Entry, options: JwksFetchOptions): Promise<JWK[]> {
    if (entry.pending) return entry.pending;

    // A failing jwks_uri is not fetched again for every token request that names the client.
    const { failure } = entry;
    if (failure && Date.now() - failure.at < this.refetchIntervalMs) {
      return Promise.reject(failure.error);
    }

    entry.pending = this.fetch(entry.uri, options)
      .then((jwks) => {
        entry.keys = jwks.keys;
        entry.fetchedAt = Date.now();
        entry.failure = undefined;
        return jwks.keys;
      })
      .catch((error: unknown) => {
        entry.failure = { error, at: Date.now() };
        throw error;
      })
      .finally(() => {
        entry.pending = undefined;
      });
    return entry.pending;
  }
}
