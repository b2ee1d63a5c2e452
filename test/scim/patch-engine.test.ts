import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScimError } from '../../src/scim/errors.js';
import {
  matchesValueFilter,
  parseValueFilter,
  plainEqualities,
} from '../../src/scim/filter/value-filter.js';
import { applyPatch } from '../../src/scim/patch/apply.js';
import { readPatchRequest } from '../../src/scim/patch/operations.js';
import { attribute, multiValuedAttribute } from '../../src/scim/schema/attribute.js';
import { coerceValue } from '../../src/scim/schema/coerce.js';
import { checkImmutable } from '../../src/scim/schema/mutability.js';
import type { ResourceTypeDefinition } from '../../src/scim/schema/resource-types.js';
import { userResourceType } from '../../src/scim/schema/resource-types.js';
import { ResourceReader } from '../../src/scim/schema/validate.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const emails = multiValuedAttribute('emails', '');
const subAttributes = emails.subAttributes ?? [];

const deviceType: ResourceTypeDefinition = {
  name: 'Device',
  endpoint: '/Devices',
  description: 'test',
  schema: {
    id: 'urn:example:Device',
    name: 'Device',
    description: 'test',
    attributes: [attribute('serial', 'string', { mutability: 'immutable' })],
  },
  extensions: [],
};

const patch = (stored: Record<string, unknown>, ...Operations: unknown[]) => {
  const reader = new ResourceReader(userResourceType, { strict: false });
  const operations = readPatchRequest(reader, { schemas: [PATCH_OP], Operations });
  return applyPatch(reader, stored, operations, false).resource;
};

describe('value filter', () => {
  test('type eq matches case-insensitively', () => {
    const filter = parseValueFilter('type eq "WORK"', subAttributes);
    assert.equal(matchesValueFilter(filter, { type: 'work' }), true);
  });

  test('and, or and not combine', () => {
    const filter = parseValueFilter(
      'not (type eq "home") and (primary eq true or value sw "a")',
      subAttributes,
    );
    assert.equal(matchesValueFilter(filter, { type: 'work', value: 'ab' }), true);
    assert.equal(matchesValueFilter(filter, { type: 'home', value: 'ab' }), false);
  });

  test('plain equalities are read from an and of eq', () => {
    const filter = parseValueFilter('type eq "work" and primary eq true', subAttributes);
    assert.deepEqual(plainEqualities(filter), { type: 'work', primary: true });
  });

  test('an or is not a plain equality', () => {
    const filter = parseValueFilter('type eq "work" or type eq "home"', subAttributes);
    assert.equal(plainEqualities(filter), undefined);
  });

  test('unknown sub-attribute is invalidFilter', () => {
    assert.throws(
      () => parseValueFilter('kind eq "work"', subAttributes),
      (error: unknown) => error instanceof ScimError && error.scimType === 'invalidFilter',
    );
  });
});

describe('PATCH engine', () => {
  test('applies operations to a copy', () => {
    const stored = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'a' };
    const result = patch(stored, { op: 'add', path: 'title', value: 'T' });

    assert.equal(result.title, 'T');
    assert.equal((stored as Record<string, unknown>).title, undefined);
  });

  test('remove with a value list removes only matching values', () => {
    const result = patch(
      { emails: [{ value: 'a' }, { value: 'b' }] },
      { op: 'remove', path: 'emails', value: [{ value: 'a' }] },
    );
    assert.deepEqual(result.emails, [{ value: 'b' }]);
  });

  test('remove of a missing extension attribute changes nothing', () => {
    const result = patch(
      { userName: 'a' },
      {
        op: 'remove',
        path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
      },
    );
    assert.deepEqual(result, { userName: 'a' });
  });
});

describe('leniency and mutability', () => {
  test('boolean text converts in any case', () => {
    assert.equal(coerceValue(attribute('active', 'boolean'), 'TRUE'), true);
  });

  test('integer text converts when lossless', () => {
    assert.equal(coerceValue(attribute('n', 'integer'), '42'), 42);
    assert.equal(
      coerceValue(attribute('n', 'integer'), '99999999999999999999'),
      '99999999999999999999',
    );
  });

  test('decimal text converts', () => {
    assert.equal(coerceValue(attribute('n', 'decimal'), '1.5'), 1.5);
  });

  test('immutable attribute may be set once', () => {
    assert.doesNotThrow(() => checkImmutable(deviceType, {}, { serial: 'A' }));
  });

  test('changing an immutable attribute is mutability', () => {
    assert.throws(
      () => checkImmutable(deviceType, { serial: 'A' }, { serial: 'B' }),
      (error: unknown) => error instanceof ScimError && error.scimType === 'mutability',
    );
  });
});
