import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import {
  MAX_FILTER_COMPARISONS,
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
} from '../../src/scim/filter/parser.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { newUser, scim, useScimServer } from './scim-client.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

// Each fragment is invalid wherever an expression may stand.
const INVALID_FRAGMENTS = [
  '',
  ' ',
  'userName',
  'userName eq',
  'userName eq "a',
  'userName eq "a\\q"',
  'userName eq a',
  'userName eq 01',
  'userName eq 1.',
  'userName eq -',
  'userName eq True',
  'userName eq NULL',
  'userName eq 1',
  'userName eq true',
  'userName like "a"',
  'userName === "a"',
  'userName pr pr',
  'userName eq "a" "b"',
  'eq "a"',
  '"userName" eq "a"',
  '1 eq 1',
  'shoeSize eq "1"',
  'name.nick eq "a"',
  'a.b.c eq "a"',
  'name eq "a"',
  'emails eq "a"',
  'emails[value eq "a"',
  'emails[]',
  'emails[type]',
  'emails[kind eq "a"]',
  'emails[type[value pr]]',
  'emails[type eq "a"].value eq "b"',
  'userName[value pr]',
  'active gt true',
  'active co "t"',
  'active eq "true"',
  'password eq "a"',
  'meta.created gt "yesterday"',
  'meta.created co "2026"',
  'meta.created gt 2026',
  'meta.resourceType eq "User"',
  'groups.value eq "a"',
  'urn:example:Nope:userName eq "a"',
  `${ENTERPRISE}:shoeSize eq "a"`,
  'not userName pr',
  'not',
  '(userName pr',
  'userName pr)',
  '()',
  'and',
  'userName pr and',
  'or userName pr',
  'userName eq "a\\u0000"',
];
const CONTEXTS = [
  (fragment: string) => fragment,
  (fragment: string) => `(${fragment})`,
  (fragment: string) => `userName pr and ${fragment}`,
  (fragment: string) => `${fragment} or title pr`,
  (fragment: string) => `not (${fragment})`,
];

describeEachDatabase('SCIM list filters', (database) => {
  const fixture = useScimServer(database);
  const ids: Record<string, string> = {};
  let groups = '';

  const create = async (key: string, body: Record<string, unknown>) => {
    const response = await scim(fixture.users, { token: fixture.token, body });
    assert.equal(response.status, 201);
    ids[key] = response.body.id;
  };

  before(async () => {
    await create(
      'alice',
      newUser('Alice@Example.com', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
        name: { givenName: 'Alice', familyName: 'Liddell' },
        title: '100%_off',
        emails: [
          { value: 'Alice@Work.example', type: 'work', primary: true },
          { value: 'alice@home.example', type: 'home' },
        ],
        [ENTERPRISE]: { department: 'Tea', manager: { value: 'boss' } },
      }),
    );
    await create(
      'bob',
      newUser('bob', {
        active: false,
        title: '100 off',
        emails: [{ value: 'bob@work.example', type: 'work' }],
      }),
    );
    await create('carol', newUser('carol', { displayName: 'Carol' }));

    groups = fixture.users.replace(/\/Users$/, '/Groups');
    const group = await scim(groups, {
      token: fixture.token,
      body: {
        schemas: [GROUP_SCHEMA],
        displayName: 'Readers',
        members: [{ value: ids.alice }, { value: ids.bob }],
      },
    });
    assert.equal(group.status, 201);
    ids.readers = group.body.id;
    const empty = await scim(groups, {
      token: fixture.token,
      body: { schemas: [GROUP_SCHEMA], displayName: 'Empty' },
    });
    ids.empty = empty.body.id;
  });

  const listIn = async (url: string, filter: string) => {
    const response = await scim(`${url}?filter=${encodeURIComponent(filter)}`, {
      token: fixture.token,
    });
    return response;
  };
  const matched = async (filter: string, url = fixture.users) => {
    const response = await listIn(url, filter);
    assert.equal(response.status, 200, `${filter}: ${JSON.stringify(response.body)}`);
    const found = response.body.Resources.map((resource: { id: string }) => resource.id);
    return Object.keys(ids)
      .filter((key) => found.includes(ids[key]))
      .sort();
  };

  const cases: [string, string[]][] = [
    ['userName eq "ALICE@example.com"', ['alice']],
    ['userName ne "bob"', ['alice', 'carol']],
    ['userName co "LIC"', ['alice']],
    ['userName sw "B"', ['bob']],
    ['userName ew "ROL"', ['carol']],
    ['userName gt "bob"', ['carol']],
    ['userName ge "bob"', ['bob', 'carol']],
    ['userName lt "bob"', ['alice']],
    ['userName le "bob"', ['alice', 'bob']],
    ['title pr', ['alice', 'bob']],
    ['title co "%_"', ['alice']],
    ['title sw "100_"', []],
    ['active eq false', ['bob']],
    ['active ne false', ['alice', 'carol']],
    ['displayName eq "carol"', ['carol']],
    ['displayName eq null', ['alice', 'bob']],
    ['name.familyName eq "liddell"', ['alice']],
    ['name pr', ['alice']],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bob"', ['bob']],
    [`${ENTERPRISE}:manager.value eq "boss"`, ['alice']],
    [`${ENTERPRISE}:department eq "tea"`, ['alice']],
    ['emails.value eq "alice@work.EXAMPLE"', ['alice']],
    ['emails.value ew "@work.example"', ['alice', 'bob']],
    ['emails.value pr', ['alice', 'bob']],
    ['emails[type eq "work" and value sw "bob"]', ['bob']],
    ['emails[type eq "home" and value sw "bob"]', []],
    ['emails[primary eq true]', ['alice']],
    ['userName eq "bob" or userName eq "carol" and active eq false', ['bob']],
    ['(userName eq "bob" or userName eq "carol") and active eq true', ['carol']],
    ['not (emails pr)', ['carol']],
    ['USERNAME EQ "bob"', ['bob']],
  ];
  for (const [filter, expected] of cases) {
    test(`users ${filter}`, async () => {
      assert.deepEqual(await matched(filter), expected);
    });
  }

  test('id eq finds one user', async () => {
    assert.deepEqual(await matched(`id eq "${ids.bob}"`), ['bob']);
  });

  test('meta.created compares as instants', async () => {
    const user = await scim(`${fixture.users}/${ids.bob}`, { token: fixture.token });
    const created = Date.parse(user.body.meta.created);
    const before = new Date(created - 1).toISOString();
    const zoned = new Date(created).toISOString().replace('Z', '+00:00');

    assert.deepEqual(await matched(`meta.created eq "${zoned}"`), ['bob']);
    assert.deepEqual(await matched(`meta.created gt "${before}" and userName eq "bob"`), ['bob']);
    assert.deepEqual(await matched(`meta.lastModified lt "${before}" and userName eq "bob"`), []);
  });

  test('emails index follows PATCH', async () => {
    const response = await scim(`${fixture.users}/${ids.carol}`, {
      method: 'PATCH',
      token: fixture.token,
      body: {
        schemas: [PATCH_OP],
        Operations: [{ op: 'add', path: 'emails', value: [{ value: 'Carol@Example.org' }] }],
      },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await matched('emails.value eq "carol@example.ORG"'), ['carol']);
  });

  test('emails index follows PUT', async () => {
    const response = await scim(`${fixture.users}/${ids.bob}`, {
      method: 'PUT',
      token: fixture.token,
      body: newUser('bob', { active: false, emails: [{ value: 'robert@work.example' }] }),
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await matched('emails.value eq "bob@work.example"'), []);
  });

  test('members.value finds the group', async () => {
    assert.deepEqual(await matched(`members.value eq "${ids.alice}"`, groups), ['readers']);
  });

  test('members.value ne includes empty groups', async () => {
    assert.deepEqual(await matched(`members.value ne "${ids.alice}"`, groups), ['empty']);
  });

  test('members value path with type', async () => {
    const filter = `members[value eq "${ids.bob}" and type eq "user"]`;
    assert.deepEqual(await matched(filter, groups), ['readers']);
  });

  test('members pr finds non-empty groups', async () => {
    assert.deepEqual(await matched('members pr', groups), ['readers']);
  });

  test('group displayName is case-insensitive', async () => {
    assert.deepEqual(await matched('displayName eq "READERS"', groups), ['readers']);
  });

  test('members.display is not filterable', async () => {
    const response = await listIn(groups, 'members.display eq "a"');
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidFilter');
  });

  test('limits are enforced', async () => {
    const tooLong = `userName eq "${'a'.repeat(MAX_FILTER_LENGTH)}"`;
    const tooDeep = `${'('.repeat(MAX_FILTER_DEPTH + 1)}userName pr${')'.repeat(MAX_FILTER_DEPTH + 1)}`;
    const tooMany = Array.from({ length: MAX_FILTER_COMPARISONS + 1 }, () => 'title pr').join(
      ' or ',
    );
    for (const filter of [tooLong, tooDeep, tooMany]) {
      const response = await listIn(fixture.users, filter);
      assert.equal(response.status, 400);
      assert.equal(response.body.scimType, 'invalidFilter');
    }
  });

  test('malformed filters are 400 invalidFilter', async () => {
    const filters = [...new Set(CONTEXTS.flatMap((context) => INVALID_FRAGMENTS.map(context)))];
    assert.ok(filters.length >= 200, `only ${filters.length} malformed filters`);

    const failures: string[] = [];
    for (const filter of filters) {
      const response = await listIn(fixture.users, filter);
      const ok = response.status === 400 && response.body?.scimType === 'invalidFilter';
      if (!ok) failures.push(`${filter} -> ${response.status} ${response.body?.detail}`);
    }
    assert.deepEqual(failures, []);
  });
});
