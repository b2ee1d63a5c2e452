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
    assert.equal(query.cursor, undefined);
    assert.equal(query.descending, false);
  });

  test('reads sortOrder in any case', () => {
    assert.equal(parseListQuery({ sortBy: 'userName', sortOrder: 'Descending' }).descending, true);
    assert.equal(parseListQuery({ sortBy: 'userName', sortOrder: 'ASCENDING' }).descending, false);
  });

  test('empty cursor starts cursor paging', () => {
    const query = parseListQuery({ cursor: '' });
    assert.equal(query.cursor, '');
    assert.equal(query.count, 100);
  });

  test('caps a cursor count at the maximum', () => {
    assert.equal(parseListQuery({ cursor: '', count: '999' }).count, MAX_PAGE_SIZE);
  });

  test('rejects a negative cursor count', () => {
    assert.throws(
      () => parseListQuery({ cursor: '', count: '-1' }),
      (error: unknown) =>
        error instanceof ScimError && error.status === 400 && error.scimType === 'invalidCount',
    );
  });

  test('rejects cursor with startIndex', () => {
    assert.throws(
      () => parseListQuery({ cursor: 'abc', startIndex: '1' }),
      (error: unknown) =>
        error instanceof ScimError &&
        error.scimType === 'invalidValue' &&
        error.detail === 'send startIndex or cursor, not both',
    );
  });

  test('rejects a repeated sortBy', () => {
    assert.throws(
      () => parseListQuery({ sortBy: ['userName', 'id'] }),
      (error: unknown) => error instanceof ScimError && error.scimType === 'invalidValue',
    );
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
