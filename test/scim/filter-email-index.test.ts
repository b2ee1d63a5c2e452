import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createUser } from '../../src/scim/resources/users.js';
import { userResourceType } from '../../src/scim/schema/resource-types.js';
import { ResourceReader } from '../../src/scim/schema/validate.js';
import type { Storage } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { provisionClient } from '../helpers/fixtures.js';

// More users than one page of the backfill, which reads 300 at a time.
const USERS = 310;

describeEachDatabase('email index migration', (database) => {
  let storage: Storage;

  before(async () => {
    storage = await database().open();
    const directoryId = (await provisionClient(storage)).directory.id;
    for (let index = 0; index < USERS; index += 1) {
      await createUser(
        storage,
        directoryId,
        new ResourceReader(userResourceType, { strict: false }),
        {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `user${index}`,
          emails: [{ value: `User${index}@Work.example` }, { value: `user${index}@WORK.example` }],
        },
      );
    }
  });

  after(async () => {
    await storage?.close();
  });

  test('backfill indexes existing users', async () => {
    // Undoes the migration so that it runs again over the users written above. Kysely runs
    // migrations in order only, so the later ones run again too, and their indexes remain.
    await sql`drop table scim_user_emails`.execute(storage.db);
    await sql`delete from kysely_migration where name >= '0006-user-email-index'`.execute(
      storage.db,
    );

    const ran = await migrateToLatest(storage);
    assert.deepEqual(ran, ['0006-user-email-index', '0007-list-order-indexes']);

    const rows = await storage.db.selectFrom('scim_user_emails').selectAll().execute();
    assert.equal(rows.length, USERS);
    assert.ok(rows.some((row) => row.value_key === 'user309@work.example'));
  });
});
