// The cases that show how scimd holds up as a directory grows. Indexed reads run at 1 connection,
// because their latency should stay flat. A sorted first page, a page deep in a cursor walk, a
// membership add to a large group and a Bulk of creates run at 50 connections (Bulk at 1). A case
// whose feature the build lacks, by /ServiceProviderConfig or a probe request, is recorded as
// skipped.
import fs from 'node:fs';
import path from 'node:path';
import type { CaseLabel, Measurer } from './measure.js';
import { userBody } from './people.js';
import {
  basePath,
  filterPath,
  probe,
  type ScimTarget,
  samplePaths,
  scimHeaders,
} from './scim-target.js';

const NOT_SUPPORTED = 'not supported by this build';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_OPERATIONS = 1000;
// A walk of a million users at 200 per page took minutes on a busy 2-core machine. 50 000 users
// is deep enough to show whether a cursor page costs more far from the start.
const MAX_CURSOR_DEPTH = 50_000;
// Each Bulk request carries 1 000 creates and takes seconds, so 4 connections of autocannon in
// a 1-second quick run completed none. One connection sends them one after another, and its run
// always completes at least one request.
const BULK_CONNECTIONS = 1;

/** The indexed reads whose latency the report compares across directory sizes. */
export const INDEXED_READS = [
  'GET /Users/{id}',
  'filter userName eq',
  'filter emails.value eq',
  'filter externalId eq',
] as const;

type ServiceProviderConfig = {
  sort?: { supported?: boolean };
  bulk?: { supported?: boolean; maxOperations?: number; maxPayloadSize?: number };
  pagination?: { cursor?: boolean; maxPageSize?: number };
};

/** Runs the scale cases against a seeded scimd. */
export async function runScaleCases(measurer: Measurer, target: ScimTarget): Promise<void> {
  const config = await probe(target, 'GET', '/ServiceProviderConfig');
  if (config.status !== 200) {
    measurer.fail(
      label(target, 'GET /ServiceProviderConfig'),
      `returned ${config.status}, so no scale case ran`,
    );
    return;
  }
  const features = config.body as ServiceProviderConfig;

  await indexedReads(measurer, target);
  await sortedFirstPage(measurer, target, features);
  await deepCursorPage(measurer, target, features);
  await largeGroupAdd(measurer, target);
  await bulkCreates(measurer, target, features);
}

function label(target: ScimTarget, name: string, note?: string): CaseLabel {
  return { group: 'scale', name, server: target.server, users: target.users, note };
}

async function indexedReads(measurer: Measurer, target: ScimTarget): Promise<void> {
  const base = basePath(target);
  const user = target.sample[0]!;
  const cases: Array<[string, (user: ScimTarget['sample'][number]) => string, string]> = [
    ['GET /Users/{id}', (u) => `${base}/Users/${u.id}`, `/Users/${user.id}`],
    ['filter userName eq', (u) => filterPath(target, 'userName', u.userName), ''],
    ['filter emails.value eq', (u) => filterPath(target, 'emails.value', u.email), ''],
    ['filter externalId eq', (u) => filterPath(target, 'externalId', u.externalId), ''],
  ];

  for (const [name, makePath, probePath] of cases) {
    // A filter must find exactly the sampled user. A 400 means that this build lacks the filter.
    const relative = probePath || makePath(user).slice(base.length);
    const first = await probe(target, 'GET', relative);
    if (first.status === 400 && probePath === '') {
      measurer.skip(label(target, name), `${NOT_SUPPORTED} (${String(first.body?.detail)})`);
      continue;
    }
    if (first.status !== 200) {
      measurer.fail(label(target, name), `probe returned ${first.status}`);
      continue;
    }
    if (probePath === '' && first.body?.totalResults !== 1) {
      measurer.fail(
        label(target, name),
        `probe found ${String(first.body?.totalResults)} users instead of 1: the seeded rows may miss what this filter reads`,
      );
      continue;
    }

    await measurer.measure(label(target, name), (seconds) => ({
      url: target.scimBaseUrl,
      method: 'GET',
      headers: scimHeaders(target),
      paths: samplePaths(target, 1000, makePath),
      connections: 1,
      durationSeconds: seconds,
    }));
  }
}

async function sortedFirstPage(
  measurer: Measurer,
  target: ScimTarget,
  features: ServiceProviderConfig,
): Promise<void> {
  const name = 'first page of 100 by userName';
  if (!features.sort?.supported) {
    measurer.skip(label(target, name), `${NOT_SUPPORTED} (sort.supported is false)`);
    return;
  }
  const relative = '/Users?sortBy=userName&count=100';
  const first = await probe(target, 'GET', relative);
  if (first.status !== 200) {
    measurer.fail(label(target, name), `GET ${relative} returned ${first.status}`);
    return;
  }

  await measurer.measure(label(target, name), (seconds) => ({
    url: `${target.scimBaseUrl}${relative}`,
    method: 'GET',
    headers: scimHeaders(target),
    connections: 50,
    durationSeconds: seconds,
  }));
}

/**
 * Walks the cursor pages (RFC 9865) with the largest page the server allows to the middle of the
 * directory, or to MAX_CURSOR_DEPTH users at most, then measures pages of 100 from there.
 */
async function deepCursorPage(
  measurer: Measurer,
  target: ScimTarget,
  features: ServiceProviderConfig,
): Promise<void> {
  const name = 'cursor page in the middle';
  if (!features.pagination?.cursor) {
    measurer.skip(label(target, name), `${NOT_SUPPORTED} (pagination.cursor is false)`);
    return;
  }

  const pageSize = Math.min(features.pagination.maxPageSize ?? 100, 1000);
  let cursor = '';
  let walked = 0;
  const depth = Math.min(target.users / 2, MAX_CURSOR_DEPTH);
  while (walked < depth) {
    const relative = `/Users?count=${pageSize}&cursor=${encodeURIComponent(cursor)}`;
    const page = await probe(target, 'GET', relative);
    const next = page.body?.nextCursor;
    if (page.status !== 200 || typeof next !== 'string') {
      measurer.fail(
        label(target, name),
        `GET ${relative} after ${walked} users returned ${page.status} without a nextCursor`,
      );
      return;
    }
    cursor = next;
    walked += pageSize;
  }

  await measurer.measure(label(target, name, `after ${walked} users`), (seconds) => ({
    url: `${target.scimBaseUrl}/Users?count=100&cursor=${encodeURIComponent(cursor)}`,
    method: 'GET',
    headers: scimHeaders(target),
    connections: 50,
    durationSeconds: seconds,
  }));
}

/**
 * Adds one user to the large group per request. Each run takes its own slice of the users in no
 * group, so that every add writes a row. A run that uses up its slice ends early.
 */
async function largeGroupAdd(measurer: Measurer, target: ScimTarget): Promise<void> {
  const name = 'PATCH add member, large group';
  const group = target.largeGroup;
  if (!group || target.outsiders.length === 0) {
    measurer.skip(label(target, name), 'the seed made no large group or no user outside it');
    return;
  }
  const note = `group of ${group.members} members`;
  const body = (memberId: string) =>
    JSON.stringify({
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: memberId }] }],
    });

  const first = await probe(
    target,
    'PATCH',
    `/Groups/${group.id}`,
    JSON.parse(body(target.outsiders[0]!)),
  );
  if (first.status !== 200 && first.status !== 204) {
    measurer.fail(label(target, name, note), `probe PATCH returned ${first.status}`);
    return;
  }

  let nextOutsider = 1;
  await measurer.measure(label(target, name, note), (seconds, run) => {
    const file = path.join(target.workDir, `group-add-${target.users}-${run}.txt`);
    const share = Math.max(1, Math.floor(target.outsiders.length / measurer.preparationsPerCase));
    const ids = target.outsiders.slice(nextOutsider, nextOutsider + share);
    nextOutsider += ids.length;
    fs.writeFileSync(file, `${(ids.length > 0 ? ids : target.outsiders).map(body).join('\n')}\n`);
    return {
      url: `${target.scimBaseUrl}/Groups/${group.id}`,
      method: 'PATCH',
      headers: scimHeaders(target),
      bodiesFile: file,
      connections: 50,
      durationSeconds: seconds,
    };
  });
}

async function bulkCreates(
  measurer: Measurer,
  target: ScimTarget,
  features: ServiceProviderConfig,
): Promise<void> {
  const name = `Bulk of ${BULK_OPERATIONS} creates`;
  const bulk = features.bulk;
  let created = 0;
  const request = () =>
    JSON.stringify({
      schemas: [BULK_REQUEST],
      Operations: Array.from({ length: BULK_OPERATIONS }, () => {
        const index = created++;
        return {
          method: 'POST',
          path: '/Users',
          bulkId: `b${index}`,
          data: userBody('bulk', index),
        };
      }),
    });

  const sample = request();
  if (!bulk?.supported) {
    measurer.skip(label(target, name), `${NOT_SUPPORTED} (bulk.supported is false)`);
    return;
  }
  if ((bulk.maxOperations ?? 0) < BULK_OPERATIONS || (bulk.maxPayloadSize ?? 0) < sample.length) {
    measurer.skip(
      label(target, name),
      `the server allows ${bulk.maxOperations} operations and ${bulk.maxPayloadSize} bytes; the request has ${BULK_OPERATIONS} and ${sample.length}`,
    );
    return;
  }

  // Every operation of the probe must succeed, because the request's 200 covers none of them.
  const first = await probe(target, 'POST', '/Bulk', JSON.parse(sample));
  const operations = (first.body?.Operations ?? []) as Array<{ status?: string | number }>;
  const failed = operations.filter((operation) => String(operation.status) !== '201');
  if (first.status !== 200 || operations.length !== BULK_OPERATIONS || failed.length > 0) {
    measurer.fail(
      label(target, name),
      `probe Bulk returned ${first.status} with ${operations.length} results, ${failed.length} not 201`,
    );
    return;
  }

  const note = `${BULK_CONNECTIONS} connection: multiply req/s by ${BULK_OPERATIONS} for users created per second`;
  await measurer.measure(label(target, name, note), (seconds, run, lastRate) => {
    const file = path.join(target.workDir, `bulk-${target.users}-${run}.txt`);
    const perSecond = lastRate ? lastRate * 1.5 : 1000 / Math.max(first.milliseconds, 1);
    const count = Math.max(2, Math.ceil(seconds * perSecond));
    fs.writeFileSync(file, `${Array.from({ length: count }, request).join('\n')}\n`);
    return {
      url: `${target.scimBaseUrl}/Bulk`,
      method: 'POST',
      headers: scimHeaders(target),
      bodiesFile: file,
      connections: BULK_CONNECTIONS,
      durationSeconds: seconds,
    };
  });
}
