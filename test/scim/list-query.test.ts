import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScimError } from '../../src/scim/errors.js';
import { MAX_PAGE_SIZE, parseListQuery } from '../../src/scim/list-query.js';

describe('parseListQuery', () => {
  test('defaults to the first page of 100', () => {
    const query = parseListQuery({});
    assert.equal(query.startIndex, 1);
    assert.equal(query.count, 100);
    assert.equal(query.filter, undefined);
  });

  test('caps count at the maximum page size', () => {
    assert.equal(parseListQuery({ count: '100000' }).count, MAX_PAGE_SIZE);
  });

  test('clamps huge startIndex to a safe integer', () => {
    const query = parseListQuery({ startIndex: '99999999999999999999999' });
    assert.equal(query.startIndex, Number.MAX_SAFE_INTEGER);
  });

  test('parses the filter into a comparison', () => {
    const query = parseListQuery({ filter: 'userName Eq "a\\"b"' });
    assert.deepEqual(query.filter, {
      kind: 'compare',
      path: { attribute: 'userName', position: 0 },
      operator: 'eq',
      value: 'a"b',
    });
  });

  test('rejects a decimal startIndex', () => {
    assert.throws(
      () => parseListQuery({ startIndex: '1.5' }),
      (error: unknown) =>
        error instanceof ScimError &&
        error.status === 400 &&
        error.scimType === 'invalidValue' &&
        error.detail === 'the startIndex query parameter must be an integer',
    );
  });
});
