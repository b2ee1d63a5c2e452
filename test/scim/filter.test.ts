import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScimError } from '../../src/scim/errors.js';
import { matchesFilter } from '../../src/scim/filter/evaluate.js';
import {
  MAX_FILTER_COMPARISONS,
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  parseFilter,
} from '../../src/scim/filter/parser.js';
import { resolveFilter } from '../../src/scim/filter/resolve.js';
import { attribute } from '../../src/scim/schema/attribute.js';
import {
  groupResourceType,
  type ResourceTypeDefinition,
  userResourceType,
} from '../../src/scim/schema/resource-types.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const alice = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  id: 'u-1',
  userName: 'Alice@Example.com',
  externalId: 'EXT-1',
  name: { givenName: 'Alice', familyName: 'Liddell' },
  displayName: 'Alice L',
  active: true,
  title: '100%_off\\sale',
  emails: [
    { value: 'alice@work.example', type: 'work', primary: true },
    { value: 'alice@home.example', type: 'home' },
  ],
  [ENTERPRISE]: { department: 'Tea', manager: { value: 'u-9' } },
  meta: {
    resourceType: 'User',
    created: '2026-01-02T03:04:05.000Z',
    lastModified: '2026-06-01T00:00:00.000Z',
  },
};

const matches = (filter: string, resource: Record<string, unknown> = alice) =>
  matchesFilter(resolveFilter(parseFilter(filter), userResourceType), resource);

const rejects = (filter: string, pattern: RegExp, resourceType = userResourceType) =>
  assert.throws(
    () => resolveFilter(parseFilter(filter), resourceType),
    (error: unknown) =>
      error instanceof ScimError &&
      error.scimType === 'invalidFilter' &&
      pattern.test(error.detail),
  );

describe('filter operators', () => {
  const cases: [string, boolean][] = [
    ['userName eq "alice@example.com"', true],
    ['userName ne "alice@example.com"', false],
    ['userName co "@EXAMPLE"', true],
    ['userName sw "ALICE"', true],
    ['userName ew ".COM"', true],
    ['userName ew "alice"', false],
    ['userName gt "alice"', true],
    ['userName ge "alice@example.com"', true],
    ['userName lt "alice"', false],
    ['userName le "alice@example.com"', true],
    ['title pr', true],
    ['nickName pr', false],
    ['nickName ne "x"', true],
    ['nickName eq null', true],
    ['title ne null', true],
  ];
  for (const [filter, expected] of cases) {
    test(`${filter} is ${expected}`, () => {
      assert.equal(matches(filter), expected);
    });
  }
});

describe('filter paths', () => {
  test('sub-attribute path matches', () => {
    assert.equal(matches('name.familyName eq "liddell"'), true);
  });

  test('URN-qualified core path matches', () => {
    assert.equal(matches('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "a"'), true);
  });

  test('extension path matches', () => {
    assert.equal(matches(`${ENTERPRISE}:manager.value eq "u-9"`), true);
  });

  test('URN matches in any case', () => {
    assert.equal(matches('URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:userName sw "a"'), true);
  });

  test('extension attribute matches', () => {
    assert.equal(matches(`${ENTERPRISE}:department eq "TEA"`), true);
  });

  test('names are case-insensitive', () => {
    assert.equal(matches('NAME.FAMILYNAME EQ "Liddell" AND Active Eq true'), true);
  });

  test('multi-valued path matches any value', () => {
    assert.equal(matches('emails.value eq "alice@home.example"'), true);
  });

  test('multi-valued ne negates eq', () => {
    assert.equal(matches('emails.value ne "alice@home.example"'), false);
  });

  test('value path matches one element', () => {
    assert.equal(matches('emails[type eq "work" and value co "@work"]'), true);
  });

  test('value path needs one element for both', () => {
    assert.equal(matches('emails[type eq "home" and primary eq true]'), false);
  });

  test('multi-valued complex pr', () => {
    assert.equal(matches('emails pr'), true);
  });

  test('complex pr on missing attribute', () => {
    assert.equal(matches('addresses pr'), false);
  });
});

describe('filter logic', () => {
  test('and binds tighter than or', () => {
    assert.equal(matches('userName eq "x" and title pr or active eq true'), true);
  });

  test('parentheses change the grouping', () => {
    assert.equal(matches('userName eq "x" and (title pr or active eq true)'), false);
  });

  test('not negates a group', () => {
    assert.equal(matches('not (active eq true)'), false);
  });

  test('nested not and or', () => {
    assert.equal(matches('not (not (userName sw "b") and active eq false) or title pr'), true);
  });
});

describe('filter literals', () => {
  test('JSON escapes decode', () => {
    assert.equal(matches('title eq "100%_off\\\\sale"'), true);
  });

  test('unicode escapes decode', () => {
    assert.equal(matches('name.givenName eq "\\u0041lice"'), true);
  });

  test('percent and underscore are plain', () => {
    assert.equal(matches('title co "%_"'), true);
  });

  test('underscore matches no other character', () => {
    assert.equal(matches('title co "0_o"'), false);
  });

  test('boolean literal compares', () => {
    assert.equal(matches('emails[primary eq false]'), false);
  });

  test('externalId is case-exact', () => {
    assert.equal(matches('externalId eq "ext-1"'), false);
  });

  test('id is case-exact', () => {
    assert.equal(matches('id eq "U-1"'), false);
  });
});

// No built-in schema has integer or decimal attributes, so numbers are tested on this one.
const deviceType: ResourceTypeDefinition = {
  name: 'Device',
  endpoint: '/Devices',
  description: 'test',
  schema: {
    id: 'urn:example:Device',
    name: 'Device',
    description: 'test',
    attributes: [
      attribute('cores', 'integer'),
      attribute('load', 'decimal'),
      attribute('firmware', 'binary'),
    ],
  },
  extensions: [],
};

describe('filter numbers', () => {
  const device = { cores: 8, load: 0.75, firmware: 'AAEC' };
  const matchesDevice = (filter: string) =>
    matchesFilter(resolveFilter(parseFilter(filter), deviceType), device);

  const cases: [string, boolean][] = [
    ['cores eq 8', true],
    ['cores gt 8', false],
    ['cores ge 8', true],
    ['cores lt 1e1', true],
    ['load le 0.75', true],
    ['load gt -1', true],
    ['load ne 0.75', false],
    ['firmware eq "AAEC"', true],
  ];
  for (const [filter, expected] of cases) {
    test(`${filter} is ${expected}`, () => {
      assert.equal(matchesDevice(filter), expected);
    });
  }

  test('co on a number is invalidFilter', () => {
    rejects('cores co 8', /^cores is a number, which takes no co/, deviceType);
  });

  test('string literal for a number', () => {
    rejects('cores eq "8"', /^cores must be compared with a number, not "8"/, deviceType);
  });

  test('gt on binary is invalidFilter', () => {
    rejects('firmware gt "A"', /^firmware is binary, which takes only eq, ne and pr/, deviceType);
  });
});

describe('filter dateTimes', () => {
  test('created compares as an instant', () => {
    assert.equal(matches('meta.created eq "2026-01-02T04:04:05+01:00"'), true);
  });

  test('created gt an earlier instant', () => {
    assert.equal(matches('meta.created gt "2026-01-02T03:04:04.999Z"'), true);
  });

  test('lastModified lt a later instant', () => {
    assert.equal(matches('meta.lastModified lt "2026-06-01T00:00:00.001Z"'), true);
  });

  test('dateTime without a zone is UTC', () => {
    assert.equal(matches('meta.created eq "2026-01-02T03:04:05"'), true);
  });

  test('non-dateTime literal is invalidFilter', () => {
    rejects('meta.created gt "yesterday"', /^meta\.created must be compared with an xsd:dateTime/);
  });

  test('co on a dateTime is invalidFilter', () => {
    rejects('meta.created co "2026"', /^meta\.created is a dateTime, which takes no co/);
  });
});

describe('filter errors', () => {
  const cases: [string, RegExp][] = [
    ['emails eq "a"', /^emails is complex; compare one of its sub-attributes/],
    ['active gt true', /^active is a boolean, which takes only eq, ne and pr, not gt/],
    ['active eq "true"', /^active must be compared with true or false, not "true"/],
    ['userName eq 1', /^userName must be compared with a string, not 1/],
    ['userName co null', /^null can only be compared with eq or ne/],
    ['password eq "x"', /^password is never returned, so it cannot be filtered on/],
    ['userName[value eq "a"]', /^userName is not a multi-valued complex attribute/],
    ['emails[kind eq "a"]', /^kind is not a sub-attribute of emails/],
    ['emails[name.givenName eq "a"]', /^inside emails\[…\] name a sub-attribute of emails/],
    ['urn:example:Nope:userName eq "a"', /^urn:example:Nope is not a schema of User/],
    ['shoeSize pr', /^shoeSize is not an attribute of User \(at position 1\)$/],
    ['userName eq "a" or shoeSize pr', /^shoeSize is not an attribute of User \(at position 20\)$/],
  ];
  for (const [filter, pattern] of cases) {
    test(`${filter} is rejected`, () => {
      rejects(filter, pattern);
    });
  }

  test('group members.value resolves', () => {
    const resolved = resolveFilter(parseFilter('members.value eq "u-1"'), groupResourceType);
    assert.equal(resolved.kind, 'compare');
  });

  const syntax: [string, RegExp][] = [
    ['(userName pr', /^the "\(" at position 1 is not closed$/],
    ['userName pr)', /^"\)" at position 12 is unexpected/],
    ['not (userName pr', /^the "\(" at position 5 is not closed$/],
    ['emails[type eq "a"].value eq "b"', /only valid in a PATCH path$/],
    ['emails[type[value pr]]', /^value filters cannot nest/],
    ['name.givenName[value pr]', /^a value filter follows an attribute/],
    ['userName eq "a" and or', /^expected an operator after "or" at position 21 at the end/],
    ['a.b.c pr', /^"a\.b\.c" at position 1 is not a valid attribute path/],
    ['userName eq tru', /^"tru" at position 13 is not a value/],
    ['userName eq 01', /^"01" at position 13 is not a value/],
  ];
  for (const [filter, pattern] of syntax) {
    test(`syntax ${filter} is rejected`, () => {
      rejects(filter, pattern);
    });
  }
});

describe('filter limits', () => {
  test('length over the maximum', () => {
    const filter = `userName eq "${'a'.repeat(MAX_FILTER_LENGTH)}"`;
    rejects(filter, /^the filter has \d+ characters; the maximum is 4096$/);
  });

  test('nesting over the maximum', () => {
    const depth = MAX_FILTER_DEPTH + 1;
    rejects(`${'('.repeat(depth)}userName pr${')'.repeat(depth)}`, /nests deeper than 16 levels/);
  });

  test('nesting at the maximum', () => {
    const depth = MAX_FILTER_DEPTH;
    assert.equal(matches(`${'('.repeat(depth)}userName pr${')'.repeat(depth)}`), true);
  });

  test('comparisons over the maximum', () => {
    const filter = Array.from({ length: MAX_FILTER_COMPARISONS + 1 }, () => 'title pr').join(
      ' or ',
    );
    rejects(filter, /^the filter has more than 100 comparisons/);
  });

  test('comparisons at the maximum', () => {
    const filter = Array.from({ length: MAX_FILTER_COMPARISONS }, () => 'title pr').join(' and ');
    assert.equal(matches(filter), true);
  });
});
