/** Length of a rate-limit window, in ms. Limits are stated per minute. */
const WINDOW_MS = 60_000;

/** Keys kept before windows that ended are swept, so that many addresses cannot grow the map without end. */
const SWEEP_SIZE = 10_000;

interface Window {
  start: number;
  count: number;
}

/**
 * Counts requests per key in fixed one-minute windows, in this process. With N processes behind a
 * load balancer a key can make up to N times the limit, so the limit bounds abuse and is not a
 * quota.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  /**
   * Counts one request for `key` against `limit` per minute. Returns undefined when it is allowed,
   * or the seconds until the window ends when it is not. A limit of 0 allows everything.
   */
  take(key: string, limit: number, now = Date.now()): number | undefined {
    if (limit <= 0) return undefined;
    if (this.windows.size >= SWEEP_SIZE) this.sweep(now);

    let window = this.windows.get(key);
    if (!window || now - window.start >= WINDOW_MS) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }

    window.count += 1;
    if (window.count <= limit) return undefined;
    return Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000));
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.start >= WINDOW_MS) this.windows.delete(key);
    }
  }
}
