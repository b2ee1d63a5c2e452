import { ScimError } from './errors.js';
import { type RetryOptions, readJsonBody, sendWithRetry } from './http.js';
import { ResourceClient } from './scim-resources.js';
import {
  BULK_REQUEST_SCHEMA,
  type BulkOperation,
  type BulkResponse,
  type Group,
  type User,
} from './scim-types.js';

/** A bearer token, or something that returns one, such as a TokenSource. */
export type TokenProvider =
  | string
  | (() => string | Promise<string>)
  | { getToken(): Promise<string>; invalidate?(): void };

export interface ScimClientOptions {
  /** The SCIM base URL, such as `https://scimd.example.com/scim/directory/{id}`. */
  baseUrl: string;
  token: TokenProvider;
  /** Results requested per page when listing. Default 100. */
  pageSize?: number;
  retry?: RetryOptions;
  /** Time limit of each HTTP attempt, in milliseconds. Default 30 000. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Options of one request through `ScimClient.request`. */
export interface ScimRequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
}

/** A response of the SCIM server. */
export interface ScimResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined for an empty one. */
  body: T;
}

export const SCIM_MEDIA_TYPE = 'application/scim+json';

// RFC 9110 §9.2.2: these methods can be repeated after a network error without a second effect.
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/**
 * A client for any RFC 7644 service provider. Each request carries a bearer token from the token
 * provider; a 401 makes a TokenSource drop its token and the request is sent once more. Failed
 * requests throw a ScimError with `status`, `scimType` and `detail`.
 *
 * @example
 * ```ts
 * const scim = new ScimClient({ baseUrl: directory.scimBaseUrl, token: tokens });
 * const user = await scim.users.create({ schemas: [USER_SCHEMA], userName: 'ada@example.com' });
 * for await (const match of scim.users.list({ filter: scimFilter`userName sw ${'ada'}` })) {
 *   console.log(match.id);
 * }
 * ```
 */
export class ScimClient {
  readonly users: ResourceClient<User>;
  readonly groups: ResourceClient<Group>;
  readonly pageSize: number;
  private readonly options: ScimClientOptions;
  private readonly baseUrl: string;

  constructor(options: ScimClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.pageSize = options.pageSize ?? 100;
    this.users = this.resource<User>('/Users');
    this.groups = this.resource<Group>('/Groups');
  }

  /** Returns a client for another resource endpoint, such as `/Devices`. */
  resource<T extends { schemas: string[] }>(endpoint: string): ResourceClient<T> {
    return new ResourceClient<T>(this, endpoint);
  }

  /**
   * Sends a request to `path` under the base URL. Returns the response for a 2xx or 304 status and
   * throws a ScimError for any other.
   */
  async request<T = unknown>(
    method: string,
    path: string,
    options: ScimRequestOptions = {},
  ): Promise<ScimResponse<T>> {
    const url = this.url(path, options.query);
    let response = await this.send(method, url, options);

    if (response.status === 401 && typeof this.options.token === 'object') {
      // The token may have been revoked or expired early: one retry with a new token.
      this.options.token.invalidate?.();
      if (this.options.token.invalidate) {
        await response.body?.cancel();
        response = await this.send(method, url, options);
      }
    }

    const body = await readJsonBody(response);
    if (!response.ok && response.status !== 304) throw toScimError(response, body);
    return { status: response.status, headers: response.headers, body: body as T };
  }

  /**
   * Sends a Bulk request (RFC 7644 §3.7). The server stops after `failOnErrors` failed operations
   * when it is given. Each operation's own failure is in its result's `status`, not thrown.
   */
  async bulk(operations: BulkOperation[], options: { failOnErrors?: number } = {}) {
    const body = {
      schemas: [BULK_REQUEST_SCHEMA],
      ...(options.failOnErrors === undefined ? {} : { failOnErrors: options.failOnErrors }),
      Operations: operations,
    };
    const response = await this.request<BulkResponse>('POST', '/Bulk', { body });
    return response.body;
  }

  /** Returns the server's ServiceProviderConfig (RFC 7643 §5). */
  async serviceProviderConfig(): Promise<Record<string, unknown>> {
    return (await this.request<Record<string, unknown>>('GET', '/ServiceProviderConfig')).body;
  }

  private url(path: string, query: ScimRequestOptions['query']): string {
    const url = new URL(`${this.baseUrl}/${path.replace(/^\/+/, '')}`);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  private async send(method: string, url: string, options: ScimRequestOptions) {
    const headers: Record<string, string> = {
      accept: `${SCIM_MEDIA_TYPE}, application/json`,
      authorization: `Bearer ${await this.token()}`,
      ...options.headers,
    };
    if (options.body !== undefined) headers['content-type'] = SCIM_MEDIA_TYPE;

    return sendWithRetry(
      url,
      {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      },
      {
        retry: this.options.retry,
        idempotent: IDEMPOTENT_METHODS.has(method.toUpperCase()),
        timeoutMs: this.options.timeoutMs,
        fetch: this.options.fetch,
      },
    );
  }

  private async token(): Promise<string> {
    const provider = this.options.token;
    if (typeof provider === 'string') return provider;
    if (typeof provider === 'function') return provider();
    return provider.getToken();
  }
}

/** Builds the ScimError for a failed response, from the RFC 7644 §3.12 body when there is one. */
function toScimError(response: Response, body: unknown): ScimError {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const scimType = typeof fields.scimType === 'string' ? fields.scimType : undefined;

  let detail = typeof fields.detail === 'string' ? fields.detail : undefined;
  if (detail === undefined && typeof body === 'string') detail = body.slice(0, 200);
  if (detail === undefined) detail = response.headers.get('www-authenticate') ?? undefined;

  return new ScimError(response.status, scimType, detail, body);
}
