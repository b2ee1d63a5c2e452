/** Retry policy after a network error, a 429 or a 5xx response. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 3; 0 turns retrying off. */
  retries?: number;
  /** Delay before the first retry, in milliseconds; it doubles on each retry. Default 250. */
  minDelayMs?: number;
  /**
   * Longest delay, in milliseconds. Default 10 000. A `Retry-After` longer than this is not
   * waited for: the response is returned as it is.
   */
  maxDelayMs?: number;
}

/** Options of one request sent through `sendWithRetry`. */
export interface SendOptions {
  retry?: RetryOptions | undefined;
  /** Whether a network error or a 5xx other than 503 may be retried (safe for GET, PUT, DELETE). */
  idempotent: boolean;
  /** Time limit of each attempt, in milliseconds. Default 30 000. */
  timeoutMs?: number | undefined;
  /** A `fetch` implementation; default the global one. */
  fetch?: typeof fetch | undefined;
}

const DEFAULT_RETRY: Required<RetryOptions> = { retries: 3, minDelayMs: 250, maxDelayMs: 10_000 };

/**
 * Sends a request and retries it with exponential backoff and jitter. A 429 or 503 is always
 * retried, because the server did not process the request (RFC 6585 §4, RFC 9110 §15.6.4), and a
 * `Retry-After` header sets the least delay. Network errors and other 5xx responses are retried
 * only when `idempotent` is true, so that a create is never sent twice. Returns the last response;
 * throws the last network error.
 */
export async function sendWithRetry(
  url: string,
  init: RequestInit,
  options: SendOptions,
): Promise<Response> {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const send = options.fetch ?? fetch;

  for (let attempt = 0; ; attempt += 1) {
    const canRetry = attempt < retry.retries;
    let response: Response;
    try {
      response = await send(url, {
        ...init,
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      if (!canRetry || !options.idempotent) throw error;
      await sleep(backoffDelay(attempt, retry));
      continue;
    }

    if (!canRetry || !isRetryable(response.status, options.idempotent)) return response;

    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    if (retryAfter !== undefined && retryAfter > retry.maxDelayMs) return response;

    // The body is discarded so that the connection can be reused.
    await response.body?.cancel();
    await sleep(Math.max(retryAfter ?? 0, backoffDelay(attempt, retry)));
  }
}

function isRetryable(status: number, idempotent: boolean): boolean {
  if (status === 429 || status === 503) return true;
  return idempotent && status >= 500 && status !== 501;
}

/** Full-jitter exponential backoff: a random delay between half and all of min·2^attempt. */
function backoffDelay(attempt: number, retry: Required<RetryOptions>): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.minDelayMs * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Reads `Retry-After` (RFC 9110 §10.2.3) as milliseconds: delay-seconds or an HTTP date.
 * Returns undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;

  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;

  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - Date.now());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads a body as JSON; returns undefined for an empty body and the text for anything else. */
export async function readJsonBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
