import { lookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { JSONWebKeySet } from 'jose';
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

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_BYTES = 256 * 1024;

/** The JWKS could not be fetched or is not a JWK Set; the message is safe to show the client. */
export class JwksFetchError extends Error {
  override name = 'JwksFetchError';
}

/**
 * Downloads a client's JWK Set. The host name is resolved first and every address it resolves to
 * is checked, so that a client cannot make this server call internal networks, link-local
 * metadata services or itself. The connection then goes to the checked address. Redirects are
 * not followed, because their target would escape the check.
 */
export async function fetchJwks(uri: string, options: JwksFetchOptions): Promise<JSONWebKeySet> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);

  try {
    const url = parseJwksUrl(uri, options.allowLoopback);
    const address = await withAbort(resolveAllowed(url, options.allowLoopback), controller.signal);
    const body = await download(url, address, options.maxBytes ?? DEFAULT_MAX_BYTES, controller);
    return parseJwks(body);
  } catch (error) {
    if (controller.signal.aborted) {
      throw new JwksFetchError(`fetching the JWKS timed out after ${timeoutMs} ms`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
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

function download(
  url: URL,
  address: ResolvedAddress,
  maxBytes: number,
  controller: AbortController,
): Promise<string> {
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

function readBody(response: IncomingMessage, maxBytes: number): Promise<string> {
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400) {
    response.resume();
    return Promise.reject(
      new JwksFetchError(
        `the jwks_uri responded with a redirect (${status}); redirects are not followed`,
      ),
    );
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
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    response.on('close', () => {
      if (!response.complete) reject(new JwksFetchError('the JWKS download was cut off'));
    });
  });
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
  return { keys: keys.filter((key) => typeof key === 'object' && key !== null) };
}

function withAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new JwksFetchError('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
