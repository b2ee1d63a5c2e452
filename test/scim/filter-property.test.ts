import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { matchesFilter } from '../../src/scim/filter/evaluate.js';
import { parseFilter } from '../../src/scim/filter/parser.js';
import { resolveFilter } from '../../src/scim/filter/resolve.js';
import { createGroup, getGroup, listGroups } from '../../src/scim/resources/groups.js';
import type { ResourceRecord } from '../../src/scim/resources/store.js';
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  patchUser,
} from '../../src/scim/resources/users.js';
import { groupResourceType, userResourceType } from '../../src/scim/schema/resource-types.js';
import { ResourceReader } from '../../src/scim/schema/validate.js';
import type { Storage } from '../../src/storage/database.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { provisionClient } from '../helpers/fixtures.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USERS = 40;
const RUNS = 1500;

// A small alphabet makes matches likely. It has LIKE wildcards, a backslash, upper and lower
// case, and characters on both sides of U+E000 and U+FFFF to pin code-point order.
// NOTE: it has no non-ASCII letters, because SQLite's lower() folds ASCII only while the
// evaluator and PostgreSQL fold every letter.
const ALPHABET = ['a', 'A', 'b', 'B', '%', '_', '\\', '.', '\uFFFD', '\u{1D49C}'];
const text = (maxLength: number) =>
  fc.array(fc.constantFrom(...ALPHABET), { maxLength }).map((chars) => chars.join(''));

const userBody = fc.record(
  {
    displayName: text(4),
    title: text(3),
    externalId: text(3),
    active: fc.boolean(),
    name: fc.record({ givenName: text(3), familyName: text(3) }, { requiredKeys: [] }),
    emails: fc
      .array(
        fc.record(
          { value: text(4), type: fc.constantFrom('work', 'home', 'Work'), primary: fc.boolean() },
          { requiredKeys: ['value'] },
        ),
        { maxLength: 3 },
      )
      .map((emails) =>
        // At most one email may be primary.
        emails.map((email, index) => (index === 0 ? email : { ...email, primary: false })),
      ),
    enterprise: fc.record(
      { department: text(3), manager: fc.record({ value: text(2) }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

type Path = { path: string; type: 'string' | 'boolean' | 'dateTime' };
const USER_PATHS: Path[] = [
  { path: 'userName', type: 'string' },
  { path: 'displayName', type: 'string' },
  { path: 'title', type: 'string' },
  { path: 'externalId', type: 'string' },
  { path: 'id', type: 'string' },
  { path: 'active', type: 'boolean' },
  { path: 'name.givenName', type: 'string' },
  { path: 'NAME.familyname', type: 'string' },
  { path: 'emails.value', type: 'string' },
  { path: 'emails.type', type: 'string' },
  { path: 'emails.primary', type: 'boolean' },
  { path: `${ENTERPRISE}:department`, type: 'string' },
  { path: `${ENTERPRISE}:manager.value`, type: 'string' },
  { path: 'urn:ietf:params:scim:schemas:core:2.0:User:userName', type: 'string' },
  { path: 'meta.created', type: 'dateTime' },
  { path: 'meta.lastModified', type: 'dateTime' },
];
const PRESENT_PATHS = ['title', 'name', 'name.givenName', 'emails', 'emails.type', 'externalId'];
const EMAIL_PATHS: Path[] = [
  { path: 'value', type: 'string' },
  { path: 'type', type: 'string' },
  { path: 'primary', type: 'boolean' },
];

/** A list query for one page of up to 200 resources in id order, before the filter is set. */
const LIST_ALL = {
  sortBy: undefined,
  descending: false,
  startIndex: 1,
  count: 200,
  cursor: undefined,
};
const STRING_OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const ORDER_OPERATORS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];

/** Builds filter text over `paths`; `instants` are dateTime literals near the stored ones. */
function filterText(
  paths: Path[],
  presentPaths: string[],
  instants: string[],
  valuePath: fc.Arbitrary<string> | undefined,
) {
  const comparison = fc.constantFrom(...paths).chain(({ path, type }) => {
    if (type === 'boolean') {
      return fc
        .tuple(fc.constantFrom('eq', 'ne', 'EQ'), fc.constantFrom('true', 'false', 'null'))
        .map(([operator, value]) => `${path} ${operator} ${value}`);
    }
    if (type === 'dateTime') {
      return fc
        .tuple(fc.constantFrom(...ORDER_OPERATORS), fc.constantFrom(...instants))
        .map(([operator, value]) => `${path} ${operator} ${JSON.stringify(value)}`);
    }
    return fc
      .tuple(fc.constantFrom(...STRING_OPERATORS), fc.oneof(text(3), fc.constant(null)))
      .map(([operator, value]) =>
        value === null
          ? `${path} ${operator === 'ne' ? 'ne' : 'eq'} null`
          : `${path} ${operator} ${JSON.stringify(value)}`,
      );
  });
  const present = fc.constantFrom(...presentPaths).map((path) => `${path} pr`);
  const leaf = valuePath
    ? fc.oneof({ weight: 4, arbitrary: comparison }, present, valuePath)
    : fc.oneof({ weight: 4, arbitrary: comparison }, present);

  return fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc
        .tuple(tie('node'), fc.constantFrom('and', 'or', 'AND'), tie('node'))
        .map(([left, operator, right]) => `${left} ${operator} ${right}`),
      tie('node').map((inner) => `not (${inner})`),
      tie('node').map((inner) => `(${inner})`),
    ),
  })).node;
}

function representation(record: ResourceRecord, derived: Record<string, unknown> = {}) {
  return {
    ...record.attributes,
    ...derived,
    id: record.id,
    meta: { created: record.createdAt, lastModified: record.updatedAt },
  };
}

function shiftedInstants(records: ResourceRecord[]): string[] {
  const stored = records.flatMap((record) => [record.createdAt, record.updatedAt]);
  const shifted = stored.flatMap((instant) => {
    const time = Date.parse(instant);
    return [new Date(time - 1).toISOString(), new Date(time + 1).toISOString()];
  });
  // The same instant in another zone, which must compare equal after normalisation.
  const zoned = stored.map((instant) => instant.replace('Z', '+00:00'));
  return [...stored, ...shifted, ...zoned];
}

describeEachDatabase('filter evaluator and SQL', (database) => {
  let storage: Storage;
  let directoryId: string;
  let users: Record<string, unknown>[] = [];
  const groups: Record<string, unknown>[] = [];
  let instants: string[] = [];
  const userReader = () => new ResourceReader(userResourceType, { strict: false });
  const groupReader = () => new ResourceReader(groupResourceType, { strict: false });

  before(async () => {
    storage = await database().open();
    directoryId = (await provisionClient(storage)).directory.id;

    const bodies = fc.sample(userBody, { numRuns: USERS, seed: 7 });
    const ids: string[] = [];
    for (const [index, body] of bodies.entries()) {
      const { enterprise, ...core } = body;
      const record = await createUser(storage, directoryId, userReader(), {
        schemas: enterprise ? [USER_SCHEMA, ENTERPRISE] : [USER_SCHEMA],
        userName: `${ALPHABET[index % ALPHABET.length]}${ALPHABET[index % 7]}${index}`,
        ...core,
        ...(enterprise ? { [ENTERPRISE]: enterprise } : {}),
      });
      ids.push(record.id);
    }

    // Rewrites emails of some users and deletes one, so that the email index follows writes.
    for (const id of ids.slice(0, 5)) {
      await patchUser(
        storage,
        directoryId,
        id,
        userReader(),
        {
          schemas: [PATCH_OP],
          Operations: [
            { op: 'replace', path: 'emails', value: [{ value: `aB${id.slice(0, 2)}` }] },
          ],
        },
        { ifMatch: undefined },
      );
    }
    await deleteUser(storage, directoryId, ids.pop()!, { ifMatch: undefined });

    const records = await Promise.all(ids.map((id) => getUser(storage, directoryId, id)));
    users = records.map((record) => representation(record));
    instants = shiftedInstants(records);

    for (const [index, members] of [ids.slice(0, 3), ids.slice(2, 6), []].entries()) {
      const created = await createGroup(storage, directoryId, groupReader(), {
        schemas: [GROUP_SCHEMA],
        displayName: `${ALPHABET[index * 3]}group${index}`,
        members: members.map((value) => ({ value })),
      });
      const group = await getGroup(storage, directoryId, created.id);
      groups.push(
        representation(group, {
          members: members.map((value) => ({ value, type: 'User' })),
        }),
      );
    }
  });

  after(async () => {
    await storage?.close();
  });

  test('user filters agree with the evaluator', async () => {
    const emailFilter = filterText(EMAIL_PATHS, ['value', 'type'], [], undefined).map(
      (inner) => `emails[${inner}]`,
    );
    const filters = filterText(USER_PATHS, PRESENT_PATHS, instants, emailFilter);

    await fc.assert(
      fc.asyncProperty(filters, async (filter) => {
        const node = parseFilter(filter);
        const resolved = resolveFilter(node, userResourceType);
        const expected = users.filter((user) => matchesFilter(resolved, user)).map((u) => u.id);

        const query = { ...LIST_ALL, filter: node, filterText: filter };
        const listed = await listUsers(storage, directoryId, query);
        const actual = listed.users.map((user) => user.id);
        const differing = users.filter(
          (user) => actual.includes(user.id as string) !== expected.includes(user.id),
        );
        assert.deepEqual(differing, [], filter);
      }),
      { numRuns: RUNS, seed: 11 },
    );
  });

  test('group filters agree with the evaluator', async () => {
    const memberIds = (groups.flatMap((group) => group.members) as { value: string }[]).map(
      (member) => member.value,
    );
    const memberFilter = fc
      .tuple(fc.constantFrom('eq', 'ne'), fc.constantFrom(...memberIds, 'nobody'))
      .map(([operator, id]) => `value ${operator} ${JSON.stringify(id)}`);
    const valuePath = fc
      .tuple(memberFilter, fc.constantFrom('type eq "User"', 'type eq "user"', 'type ne "Group"'))
      .map(([value, type]) => `members[${value} and ${type}]`);
    const paths: Path[] = [
      { path: 'displayName', type: 'string' },
      { path: 'members.type', type: 'string' },
      { path: 'meta.created', type: 'dateTime' },
    ];
    const filters = fc.oneof(
      filterText(paths, ['members', 'members.value', 'displayName'], instants, valuePath),
      memberFilter.map((inner) => `members.${inner}`),
    );

    await fc.assert(
      fc.asyncProperty(filters, async (filter) => {
        const node = parseFilter(filter);
        const resolved = resolveFilter(node, groupResourceType);
        const expected = groups.filter((group) => matchesFilter(resolved, group)).map((g) => g.id);

        const query = { ...LIST_ALL, filter: node, filterText: filter };
        const listed = await listGroups(storage, directoryId, query);
        const actual = listed.groups.map((group) => group.id);
        assert.deepEqual(actual.sort(), (expected as string[]).sort(), filter);
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});
