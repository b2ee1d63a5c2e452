import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ScimError } from '../../src/scim/errors.js';
import { compileSortKey } from '../../src/scim/filter/sort-key.js';
import { createUser, userStore } from '../../src/scim/resources/users.js';
import { userResourceType } from '../../src/scim/schema/resource-types.js';
import { ResourceReader } from '../../src/scim/schema/validate.js';
import type { Storage } from '../../src/storage/database.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { provisionClient } from '../helpers/fixtures.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describeEachDatabase('filter sort keys', (database, kind) => {
  let storage: Storage;
  let directoryId: string;

  before(async () => {
    storage = await database().open();
    directoryId = (await provisionClient(storage)).directory.id;
    const reader = () => new ResourceReader(userResourceType, { strict: false });
    const names = ['b', '\u{1D49C}', 'A', '\uFFFD', 'c'];
    for (const [index, userName] of names.entries()) {
      await createUser(storage, directoryId, reader(), {
        schemas: [USER_SCHEMA, ENTERPRISE],
        userName,
        name: { familyName: `F${names.length - index}` },
        [ENTERPRISE]: { department: userName.toUpperCase() },
      });
    }
  });

  after(async () => {
    await storage?.close();
  });

  const sorted = async (path: string) => {
    const rows = await storage.db
      .selectFrom('scim_users')
      .select('user_name')
      .where('directory_id', '=', directoryId)
      .orderBy(compileSortKey(path, userStore, kind).expression)
      .orderBy('id')
      .execute();
    return rows.map((row) => row.user_name);
  };

  test('userName sorts by code point', async () => {
    assert.deepEqual(await sorted('userName'), ['A', 'b', 'c', '\uFFFD', '\u{1D49C}']);
  });

  test('extension attribute sorts ignoring case', async () => {
    assert.deepEqual(await sorted(`${ENTERPRISE}:department`), [
      'A',
      'b',
      'c',
      '\uFFFD',
      '\u{1D49C}',
    ]);
  });

  test('sub-attribute sorts from JSON', async () => {
    assert.deepEqual(await sorted('name.familyName'), ['c', '\uFFFD', 'A', '\u{1D49C}', 'b']);
  });

  test('meta.created sorts by creation', async () => {
    assert.deepEqual(await sorted('meta.created'), ['b', '\u{1D49C}', 'A', '\uFFFD', 'c']);
  });

  for (const path of ['emails', 'emails.value', 'name', 'shoeSize', 'password', 'meta.version']) {
    test(`sortBy ${path} is invalidValue`, () => {
      assert.throws(
        () => compileSortKey(path, userStore, kind),
        (error: unknown) => error instanceof ScimError && error.scimType === 'invalidValue',
      );
    });
  }
});
