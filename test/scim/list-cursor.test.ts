import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Config } from '../../src/config/index.js';
import { ScimError } from '../../src/scim/errors.js';
import { type CursorScope, decodeCursor, encodeCursor } from '../../src/scim/list-cursor.js';

/** A configuration with only what cursors read: an encryption key. */
const configWithKey = () =>
  ({ encryptionKey: randomBytes(32).toString('hex'), dataDir: '/nonexistent' }) as Config;

const SCOPE: CursorScope = {
  directoryId: 'dir-1',
  endpoint: 'User',
  filter: 'userName eq "a"',
  sortBy: 'userName',
  descending: false,
};

const isInvalidCursor = (error: unknown) =>
  error instanceof ScimError && error.status === 400 && error.scimType === 'invalidCursor';

describe('list cursors', () => {
  test('cursor round-trips its position', () => {
    const config = configWithKey();
    for (const value of ['alice', 42, null]) {
      const cursor = encodeCursor(config, SCOPE, { value, id: 'id-7' });
      assert.deepEqual(decodeCursor(config, SCOPE, cursor), { value, id: 'id-7' });
    }
  });

  test('cursor uses only unreserved characters', () => {
    const cursor = encodeCursor(configWithKey(), SCOPE, { value: 'ü/+= ', id: 'x' });
    assert.match(cursor, /^[A-Za-z0-9._~-]+$/);
  });

  test('cursor of another key is invalid', () => {
    const cursor = encodeCursor(configWithKey(), SCOPE, { value: 'a', id: 'b' });
    assert.throws(() => decodeCursor(configWithKey(), SCOPE, cursor), isInvalidCursor);
  });

  test('cursor of another scope is invalid', () => {
    const config = configWithKey();
    const cursor = encodeCursor(config, SCOPE, { value: 'a', id: 'b' });
    for (const change of [
      { directoryId: 'dir-2' },
      { endpoint: 'Group' },
      { filter: undefined },
      { sortBy: 'externalId' },
      { descending: true },
    ]) {
      assert.throws(
        () => decodeCursor(config, { ...SCOPE, ...change }, cursor),
        isInvalidCursor,
        JSON.stringify(change),
      );
    }
  });

  test('malformed cursors are invalid', () => {
    const config = configWithKey();
    for (const cursor of [
      '',
      '.',
      'abc',
      'a.b.c',
      '!!.??',
      `${'x'.repeat(40)}.${'A'.repeat(43)}`,
    ]) {
      assert.throws(() => decodeCursor(config, SCOPE, cursor), isInvalidCursor, cursor);
    }
  });
});
