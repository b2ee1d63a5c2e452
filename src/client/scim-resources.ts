import type { ScimClient } from './scim-client.js';
import { PatchBuilder } from './scim-patch.js';
import { type ListResponse, PATCH_OP_SCHEMA, type PatchOperation } from './scim-types.js';

/** Options of `list` and `listPage`. */
export interface ListOptions {
  /** A filter expression (RFC 7644 §3.4.2.2); build one with `scimFilter` to quote values. */
  filter?: string;
  /** Results per page. Default: the client's `pageSize`. */
  count?: number;
  attributes?: string[];
  excludedAttributes?: string[];
  sortBy?: string;
  sortOrder?: 'ascending' | 'descending';
  /**
   * `index` pages with `startIndex` (RFC 7644 §3.4.2.4), which every server supports; `cursor`
   * pages with `cursor` and `nextCursor` (RFC 9865). Default `index`.
   */
  paging?: 'index' | 'cursor';
}

/** Options of a single-resource read. */
export interface ReadOptions {
  attributes?: string[];
  excludedAttributes?: string[];
}

/** Options of a write that may be conditional (RFC 7644 §3.14). */
export interface WriteOptions extends ReadOptions {
  /** Entity tag the resource must still have, usually `meta.version`; a mismatch is 412. */
  ifMatch?: string;
}

/**
 * Create, read, replace, patch, delete and list one resource type, such as `/Users`.
 * Obtain one from `ScimClient.users`, `ScimClient.groups` or `ScimClient.resource`.
 */
export class ResourceClient<T extends { schemas: string[] }> {
  constructor(
    private readonly client: ScimClient,
    /** The endpoint, such as `/Users`. */
    readonly endpoint: string,
  ) {}

  /** Creates a resource (RFC 7644 §3.3) and returns it as the server stored it. */
  async create(resource: T, options: ReadOptions = {}): Promise<T> {
    const response = await this.client.request<T>('POST', this.endpoint, {
      body: resource,
      query: readQuery(options),
    });
    return response.body;
  }

  /** Returns the resource with this id (RFC 7644 §3.4.1); a missing one throws a 404 ScimError. */
  async get(id: string, options: ReadOptions = {}): Promise<T> {
    const response = await this.client.request<T>('GET', this.path(id), {
      query: readQuery(options),
    });
    return response.body;
  }

  /**
   * Returns the resource unless its entity tag still equals `etag` (`If-None-Match`), in which
   * case the server responds with 304 and this returns undefined.
   */
  async getIfChanged(id: string, etag: string): Promise<T | undefined> {
    const response = await this.client.request<T>('GET', this.path(id), {
      headers: { 'if-none-match': etag },
    });
    return response.status === 304 ? undefined : response.body;
  }

  /** Replaces the resource (RFC 7644 §3.5.1) and returns the result. */
  async replace(id: string, resource: T, options: WriteOptions = {}): Promise<T> {
    const response = await this.client.request<T>('PUT', this.path(id), {
      body: resource,
      query: readQuery(options),
      headers: conditionHeaders(options),
    });
    return response.body;
  }

  /**
   * Applies PATCH operations (RFC 7644 §3.5.2). Returns the resource, or undefined when the
   * server responded with 204 and no body.
   */
  async patch(
    id: string,
    operations: PatchBuilder | PatchOperation[],
    options: WriteOptions = {},
  ): Promise<T | undefined> {
    const body =
      operations instanceof PatchBuilder
        ? operations.build()
        : { schemas: [PATCH_OP_SCHEMA], Operations: operations };
    const response = await this.client.request<T>('PATCH', this.path(id), {
      body,
      query: readQuery(options),
      headers: conditionHeaders(options),
    });
    return response.status === 204 ? undefined : response.body;
  }

  /** Deletes the resource (RFC 7644 §3.6). */
  async delete(id: string, options: Pick<WriteOptions, 'ifMatch'> = {}): Promise<void> {
    await this.client.request('DELETE', this.path(id), { headers: conditionHeaders(options) });
  }

  /** Returns one page of a list (RFC 7644 §3.4.2). */
  async listPage(
    options: ListOptions & { startIndex?: number; cursor?: string } = {},
  ): Promise<ListResponse<T>> {
    const query: Record<string, string | number | undefined> = {
      ...readQuery(options),
      filter: options.filter,
      count: options.count ?? this.client.pageSize,
      sortBy: options.sortBy,
      sortOrder: options.sortOrder,
      startIndex: options.startIndex,
      cursor: options.cursor,
    };
    const response = await this.client.request<ListResponse<T>>('GET', this.endpoint, { query });
    return response.body;
  }

  /**
   * Yields every matching resource, page by page. Index paging stops when a page is empty or
   * `totalResults` is reached, and cursor paging stops at the page without `nextCursor`.
   */
  async *list(options: ListOptions = {}): AsyncGenerator<T, void, undefined> {
    if (options.paging === 'cursor') {
      // RFC 9865 §2: an empty cursor on the first request asks for cursor paging.
      let cursor: string | undefined = '';
      while (cursor !== undefined) {
        const page: ListResponse<T> = await this.listPage({ ...options, cursor });
        yield* page.Resources ?? [];
        cursor = page.nextCursor || undefined;
      }
      return;
    }

    let startIndex = 1;
    for (;;) {
      const page = await this.listPage({ ...options, startIndex });
      const resources = page.Resources ?? [];
      yield* resources;

      // Without totalResults, which RFC 7644 requires, paging goes on until an empty page.
      startIndex += resources.length;
      const total = page.totalResults ?? Number.POSITIVE_INFINITY;
      if (resources.length === 0 || startIndex > total) return;
    }
  }

  private path(id: string): string {
    if (!id) throw new TypeError('a resource id must not be empty');
    return `${this.endpoint}/${encodeURIComponent(id)}`;
  }
}

function readQuery(options: ReadOptions): Record<string, string | undefined> {
  return {
    attributes: options.attributes?.join(','),
    excludedAttributes: options.excludedAttributes?.join(','),
  };
}

function conditionHeaders(options: Pick<WriteOptions, 'ifMatch'>): Record<string, string> {
  return options.ifMatch ? { 'if-match': options.ifMatch } : {};
}
