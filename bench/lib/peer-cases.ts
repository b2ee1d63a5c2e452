// The SCIM cases run on scimd and on SCIMMY alike, at 50 connections, so that their requests
// per second compare: GET by id, filter userName eq, a list page, PATCH and POST of users.
import fs from 'node:fs';
import path from 'node:path';
import type { Measurer, SideBySideCase } from './measure.js';
import { userBody } from './people.js';
import {
  basePath,
  filterPath,
  probe,
  type ScimTarget,
  samplePaths,
  scimHeaders,
  waitForBacklog,
} from './scim-target.js';
import type { SeededUser } from './seed-store.js';

const CONNECTIONS = 50;
// autocannon ends a request that has no response after 10 s (its default timeout).
const TIMEOUT_MS = 10_000;

/** Case names in the order they run: reads first, so that they see exactly the seeded users. */
const CASE_ORDER = [
  'GET /Users/{id}',
  'filter userName eq',
  'list page of 100',
  'PATCH /Users/{id}',
  'POST /Users',
];

/**
 * Runs the peer cases on scimd and its peers side by side: each case runs on every target in
 * turn, round after round (see Measurer.measureSideBySide).
 */
export async function runPeerCases(measurer: Measurer, targets: ScimTarget[]): Promise<void> {
  const byTarget: Array<Map<string, SideBySideCase>> = [];
  for (const target of targets) byTarget.push(await peerCases(measurer, target));

  for (const name of CASE_ORDER) {
    const cases = byTarget.flatMap((cases) => cases.get(name) ?? []);
    if (cases.length > 0) await measurer.measureSideBySide(cases);
  }
}

/** Builds the cases of one target by name; a case whose probe request failed is recorded as failed and left out. */
async function peerCases(
  measurer: Measurer,
  target: ScimTarget,
): Promise<Map<string, SideBySideCase>> {
  const label = { group: 'scim', server: target.server, users: target.users };
  const headers = scimHeaders(target);
  const base = basePath(target);
  const settle = () => waitForBacklog(target);
  const cases = new Map<string, SideBySideCase>();

  const readCase = (name: string, makePath: (user: SeededUser) => string) =>
    cases.set(name, {
      label: { ...label, name },
      settle,
      prepare: (seconds) => ({
        url: target.scimBaseUrl,
        method: 'GET',
        headers,
        paths: samplePaths(target, 1000, makePath),
        connections: CONNECTIONS,
        durationSeconds: seconds,
      }),
    });
  readCase('GET /Users/{id}', (user) => `${base}/Users/${user.id}`);
  readCase('filter userName eq', (user) => filterPath(target, 'userName', user.userName));

  const listPage = await listPageCase(measurer, target);
  if (listPage) cases.set('list page of 100', listPage);
  const patchUser = await patchUserCase(measurer, target);
  if (patchUser) cases.set('PATCH /Users/{id}', patchUser);

  let created = 0;
  cases.set('POST /Users', {
    label: { ...label, name: 'POST /Users' },
    settle,
    prepare: (seconds, run) => {
      const file = path.join(target.workDir, `post-${target.server.replace(/\W/g, '')}-${run}.txt`);
      if (seconds > 0) {
        const count = Math.ceil(seconds * 6000);
        const lines = Array.from({ length: count }, () =>
          JSON.stringify(userBody('new', created++)),
        );
        fs.writeFileSync(file, `${lines.join('\n')}\n`);
      }
      return {
        url: `${target.scimBaseUrl}/Users`,
        method: 'POST',
        headers,
        bodiesFile: file,
        connections: CONNECTIONS,
        durationSeconds: seconds,
      };
    },
  });
  return cases;
}

/**
 * Measures a page of 100 users at spread start indexes. A server that builds every stored user
 * for each page (SCIMMY 1.3 does) can take longer per request than autocannon's timeout divided
 * by the connections. Then 50 queued requests all time out and the run completes none, so such a
 * server is measured at 1 connection instead, with the reason in the note.
 */
async function listPageCase(
  measurer: Measurer,
  target: ScimTarget,
): Promise<SideBySideCase | undefined> {
  const label = { group: 'scim', name: 'list page of 100', server: target.server };
  // The fastest of three requests, so that a cold first query does not count.
  let fastest = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 3; attempt++) {
    const page = await probe(target, 'GET', '/Users?startIndex=1&count=100');
    if (page.status !== 200) {
      measurer.fail(
        { ...label, users: target.users },
        `GET /Users?startIndex=1&count=100 returned ${page.status}`,
      );
      return undefined;
    }
    fastest = Math.min(fastest, page.milliseconds);
  }

  const slow = fastest * CONNECTIONS > TIMEOUT_MS;
  const connections = slow ? 1 : CONNECTIONS;
  const note = slow
    ? `1 connection: one page took ${Math.round(fastest)} ms, so ${CONNECTIONS} queued requests would pass autocannon's ${TIMEOUT_MS / 1000} s timeout`
    : undefined;
  const base = basePath(target);
  const lastStart = Math.max(1, target.users - 100);

  return {
    label: { ...label, users: target.users, note },
    settle: () => waitForBacklog(target),
    prepare: (seconds) => ({
      url: target.scimBaseUrl,
      method: 'GET',
      headers: scimHeaders(target),
      paths: Array.from(
        { length: 100 },
        (_, i) => `${base}/Users?startIndex=${1 + ((i * 97) % lastStart)}&count=100`,
      ),
      connections,
      durationSeconds: seconds,
    }),
  };
}

async function patchUserCase(
  measurer: Measurer,
  target: ScimTarget,
): Promise<SideBySideCase | undefined> {
  const label = { group: 'scim', name: 'PATCH /Users/{id}', server: target.server };
  const body = (title: string) => ({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', path: 'title', value: title }],
  });

  const first = await probe(target, 'PATCH', `/Users/${target.sample[0]!.id}`, body('probe'));
  if (first.status !== 200 && first.status !== 204) {
    measurer.fail({ ...label, users: target.users }, `PATCH returned ${first.status}`);
    return undefined;
  }

  // Each sample user gets 'Patched A' and 'Patched B' in turn, so that every request changes the
  // user. A PATCH that sets the value a user already has changes nothing and writes nothing.
  const base = basePath(target);
  const paths = target.sample.map((user) => `${base}/Users/${user.id}`);
  const bodies = ['Patched A', 'Patched B'].flatMap((title) =>
    paths.map(() => JSON.stringify(body(title))),
  );
  return {
    label: { ...label, users: target.users },
    settle: () => waitForBacklog(target),
    prepare: (seconds) => ({
      url: target.scimBaseUrl,
      method: 'PATCH',
      headers: scimHeaders(target),
      bodiesInTurn: bodies,
      paths: [...paths, ...paths],
      connections: CONNECTIONS,
      durationSeconds: seconds,
    }),
  };
}
