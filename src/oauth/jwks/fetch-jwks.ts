import { lookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { JSONWebKeySet } from 'jose';
import { validateClientJwks } from '../../directory/client-keys.js';
import { InvalidFieldError } from '../../directory/errors.js';
import { blockedRange } from './address-guard.js';

/** Limits of one JWKS download. */
export interface JwksFetchOptions {
  /** Allow loopback addresses, and `http:` on them. Off in production. */
  allowLoopback: boolean;
  /** Time for resolving, connecting and reading the whole body, in ms. Default 5000. */
  timeoutMs?: number;
  /** Largest accepted body, in bytes. Default 256 KiB. */
  maxBytes?: number;
}

/** A downloaded JWK Set with the lifetime its response allowed. */
export interface FetchedJwks {
  jwks: JSONWebKeySet;
  /** `max-age` of the response's `Cache-Control`, in seconds; 0 for `no-store` or `no-cache`. */
  maxAgeSeconds: number | undefined;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_BYTES = 256 * 1024;

/** Redirects followed before giving up; each target passes the same checks as the first URL. */
export const MAX_REDIRECTS = 3;

/** The JWKS could not be fetched or is not a JWK Set; the message is safe to show the client. */
export class JwksFetchError extends Error {
  override name = 'JwksFetchError';
}

/**
 * Downloads a client's JWK Set. The host name is resolved first and every address it resolves to
 * is checked, so that a client cannot make this server call internal networks, link-local
 * metadata services or itself. The connection then goes to the checked address, so a second DNS
 * answer cannot slip past the check. Redirects are followed up to MAX_REDIRECTS times, and each
 * target is checked the same way before it is contacted. One timeout covers every hop.
 */
export async function fetchJwksDocument(
  uri: string,
  options: JwksFetchOptions,
): Promise<FetchedJwks> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);

  try {
    let url = parseJwksUrl(uri, options.allowLoopback);
    for (let hop = 0; ; hop += 1) {
      const address = await withAbort(
        resolveAllowed(url, options.allowLoopback),
        controller.signal,
      );
      const answer = await download(
        url,
        address,
        options.maxBytes ?? DEFAULT_MAX_BYTES,
        controller,
      );
      if (answer.kind === 'body') {
        return { jwks: parseJwks(answer.body), maxAgeSeconds: answer.maxAgeSeconds };
      }

      if (hop >= MAX_REDIRECTS) {
        throw new JwksFetchError(`the jwks_uri redirected more than ${MAX_REDIRECTS} times`);
      }
      url = parseJwksUrl(redirectTarget(url, answer.location), options.allowLoopback);
    }
  } catch (error) {
    if (controller.signal.aborted) {
      throw new JwksFetchError(`fetching the JWKS timed out after ${timeoutMs} ms`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Downloads a client's JWK Set; see fetchJwksDocument. */
export async function fetchJwks(uri: string, options: JwksFetchOptions): Promise<JSONWebKeySet> {
  return (await fetchJwksDocument(uri, options)).jwks;
}

function redirectTarget(from: URL, location: string | undefined): string {
  if (!location) throw new JwksFetchError('the jwks_uri redirected without a Location');
  try {
    return new URL(location, from).toString();
  } catch {
    throw new JwksFetchError('the jwks_uri redirected to an invalid URL');
  }
}

function parseJwksUrl(uri: string, allowLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new JwksFetchError('the jwks_uri is not a valid URL');
  }

  if (url.username || url.password) {
    throw new JwksFetchError('the jwks_uri must not contain credentials');
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && allowLoopback) return url;
  throw new JwksFetchError('the jwks_uri must use https');
}

interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

async function resolveAllowed(url: URL, allowLoopback: boolean): Promise<ResolvedAddress> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  const addresses: ResolvedAddress[] = literal
    ? [{ address: host, family: literal as 4 | 6 }]
    : await resolveHost(host);

  // Every address is checked, not only the first, because the connection could use any of them.
  for (const { address } of addresses) {
    const range = blockedRange(address);
    if (range === undefined || (range === 'loopback' && allowLoopback)) continue;
    throw new JwksFetchError(
      `the jwks_uri host ${host} resolves to a ${range} address, which is not allowed`,
    );
  }

  const chosen = addresses[0]!;
  if (url.protocol === 'http:' && blockedRange(chosen.address) !== 'loopback') {
    throw new JwksFetchError('the jwks_uri must use https (http is allowed only on loopback)');
  }
  return chosen;
}

async function resolveHost(host: string): Promise<ResolvedAddress[]> {
  try {
    // IPv4 addresses first, because only the first address is connected to.
    const found = await lookup(host, { all: true, verbatim: false });
    if (found.length > 0) return found as ResolvedAddress[];
  } catch {
    // Reported below with the host name; the resolver's code adds nothing the client can act on.
  }
  throw new JwksFetchError(`the jwks_uri host ${host} could not be resolved`);
}

/** Connects to the checked address while keeping the host name for TLS and the Host header. */
function pinnedLookup({ address, family }: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

type Answer =
  | { kind: 'body'; body: string; maxAgeSeconds: number | undefined }
  | { kind: 'redirect'; location: string | undefined };

function download(
  url: URL,
  address: ResolvedAddress,
  maxBytes: number,
  controller: AbortController,
): Promise<Answer> {
  const client = url.protocol === 'https:' ? https : http;

  return new Promise((resolve, reject) => {
    const request = client.get(
      url,
      {
        lookup: pinnedLookup(address),
        signal: controller.signal,
        headers: { accept: 'application/jwk-set+json, application/json' },
      },
      (response) => {
        readBody(response, maxBytes).then(resolve, (error: unknown) => {
          request.destroy();
          reject(error);
        });
      },
    );
    request.on('error', (error) => {
      reject(
        controller.signal.aborted
          ? error
          : new JwksFetchError(`fetching the JWKS failed: ${error.message}`),
      );
    });
  });
}

const REDIRECT_STATUSES = [301, 302, 303, 307, 308];

function readBody(response: IncomingMessage, maxBytes: number): Promise<Answer> {
  const status = response.statusCode ?? 0;
  if (REDIRECT_STATUSES.includes(status)) {
    response.resume();
    return Promise.resolve({ kind: 'redirect', location: response.headers.location });
  }
  if (status !== 200) {
    response.resume();
    return Promise.reject(new JwksFetchError(`the jwks_uri responded with status ${status}`));
  }

  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.resume();
    return Promise.reject(tooLarge(maxBytes));
  }

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        response.destroy();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () =>
      resolve({
        kind: 'body',
        body: Buffer.concat(chunks).toString('utf8'),
        maxAgeSeconds: maxAge(response.headers['cache-control']),
      }),
    );
    response.on('error', reject);
    response.on('close', () => {
      if (!response.complete) reject(new JwksFetchError('the JWKS download was cut off'));
    });
  });
}

/** Reads the lifetime a response allows (RFC 9111 §5.2.2); the caller bounds it. */
function maxAge(cacheControl: string | undefined): number | undefined {
  if (cacheControl === undefined) return undefined;
  const directives = cacheControl
    .toLowerCase()
    .split(',')
    .map((part) => part.trim());
  if (directives.some((directive) => directive === 'no-store' || directive === 'no-cache')) {
    return 0;
  }
  const value = directives.find((directive) => directive.startsWith('max-age='))?.slice(8);
  const seconds = value === undefined ? Number.NaN : Number(value.replace(/^"|"$/g, ''));
  return Number.isInteger(seconds) && seconds >= 0 ? seconds : undefined;
}

function tooLarge(maxBytes: number): JwksFetchError {
  return new JwksFetchError(`the JWKS is larger than ${maxBytes} bytes`);
}

function parseJwks(body: string): JSONWebKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new JwksFetchError('the jwks_uri did not return JSON');
  }

  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) {
    throw new JwksFetchError(
      'the jwks_uri did not return a JWK Set (an object with a "keys" array)',
    );
  }

  // The same rules as a JWKS an admin registers inline, so that a key never gets in by URL that
  // would be refused in the admin API.
  try {
    return validateClientJwks({ keys });
  } catch (error) {
    if (!(error instanceof InvalidFieldError)) throw error;
    throw new JwksFetchError(`the JWKS at the jwks_uri is invalid: ${error.message}`);
  }
}

function withAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new JwksFetchError('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
