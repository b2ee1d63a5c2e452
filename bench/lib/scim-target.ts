import type { SeededGroup, SeededUser } from './seed-store.js';

/** A SCIM server under load with its seeded directory. */
export interface ScimTarget {
  /** Label in the report, such as `scimd (SQLite)`. */
  server: string;
  scimBaseUrl: string;
  token: string;
  /** Users in the directory before the cases ran. */
  users: number;
  sample: SeededUser[];
  /** The group with the most members, when the seed made groups. */
  largeGroup?: SeededGroup;
  /** Ids of users in no group, for membership adds that change something. */
  outsiders: string[];
  /** Folder for request body files. */
  workDir: string;
}

/** A response read whole, for probe requests. */
export interface ProbeResponse {
  status: number;
  body: Record<string, unknown> | undefined;
  milliseconds: number;
}

/** Request headers the SCIM cases send. */
export function scimHeaders(target: ScimTarget): Record<string, string> {
  return { authorization: `Bearer ${target.token}`, 'content-type': 'application/scim+json' };
}

/** Returns the path of the SCIM base URL, which autocannon's per-request paths start with. */
export function basePath(target: ScimTarget): string {
  return new URL(target.scimBaseUrl).pathname;
}

/**
 * Sends one request on a connection of its own and reads the whole response. Probes run seconds
 * apart, so the server's idle timer could close a reused connection as the next probe writes to
 * it, and that probe would fail with ECONNRESET.
 */
export async function probe(
  target: ScimTarget,
  method: string,
  relativePath: string,
  body?: unknown,
): Promise<ProbeResponse> {
  const started = performance.now();
  const response = await fetch(`${target.scimBaseUrl}${relativePath}`, {
    method,
    headers: { ...scimHeaders(target), connection: 'close' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
    milliseconds: performance.now() - started,
  };
}

/**
 * Reads one sample user and waits for the response, which comes after the requests queued
 * before it on a SQLite server, and after those ahead in the pool queue on PostgreSQL.
 */
export async function waitForBacklog(target: ScimTarget): Promise<void> {
  const user = target.sample[0];
  if (user) await probe(target, 'GET', `/Users/${user.id}`);
}

/** Builds `count` paths from sample users, spread over the sample by a prime stride. */
export function samplePaths(
  target: ScimTarget,
  count: number,
  make: (user: SeededUser) => string,
): string[] {
  return Array.from({ length: count }, (_, i) =>
    make(target.sample[(i * 7919) % target.sample.length]!),
  );
}

/** Builds the /Users path that filters on `attribute eq "value"`. */
export function filterPath(target: ScimTarget, attribute: string, value: string): string {
  return `${basePath(target)}/Users?filter=${encodeURIComponent(`${attribute} eq "${value}"`)}`;
}
