import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAdminUser, signInAdminUser } from '../../src/directory/admin-users.js';
import type { Storage } from '../../src/storage/database.js';
import { describeEachDatabase } from '../helpers/databases.js';

const PASSWORD = 'correct horse battery staple';
const WRONG = 'wrong password!!';

describeEachDatabase('admin user lockout', (database) => {
  let storage: Storage;

  before(async () => {
    storage = await database().open();
  });
  after(async () => {
    await storage.close();
  });

  test('the stored hash is scrypt and not the password', async () => {
    await createAdminUser(storage, { email: 'hash@example.com', password: PASSWORD });

    const row = await storage.db
      .selectFrom('admin_users')
      .select('password_hash')
      .where('email', '=', 'hash@example.com')
      .executeTakeFirstOrThrow();

    assert.match(row.password_hash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.ok(!row.password_hash.includes(PASSWORD));
  });

  test('each failure after the fifth doubles the lock', async () => {
    await createAdminUser(storage, { email: 'double@example.com', password: PASSWORD });
    const start = Date.parse('2030-01-01T00:00:00.000Z');
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await signInAdminUser(storage, 'double@example.com', WRONG, new Date(start));
    }

    const fifth = await signInAdminUser(storage, 'double@example.com', WRONG, new Date(start));
    const sixth = await signInAdminUser(
      storage,
      'double@example.com',
      WRONG,
      new Date(start + 31_000),
    );

    assert.deepEqual(fifth, { outcome: 'locked', retryAfterSeconds: 30 });
    assert.deepEqual(sixth, { outcome: 'locked', retryAfterSeconds: 60 });
  });

  test('the right password after the lock signs in and resets the count', async () => {
    const later = new Date(Date.parse('2030-01-01T00:00:00.000Z') + 120_000);

    const success = await signInAdminUser(storage, 'double@example.com', PASSWORD, later);
    const nextFailure = await signInAdminUser(storage, 'double@example.com', WRONG, later);

    assert.equal(success.outcome, 'ok');
    assert.deepEqual(nextFailure, { outcome: 'invalid' });
  });

  test('the lock stops at fifteen minutes', async () => {
    await createAdminUser(storage, { email: 'cap@example.com', password: PASSWORD });
    let now = Date.parse('2030-01-01T00:00:00.000Z');
    let last = await signInAdminUser(storage, 'cap@example.com', WRONG, new Date(now));
    for (let attempt = 1; attempt < 12; attempt += 1) {
      now += 16 * 60_000;
      last = await signInAdminUser(storage, 'cap@example.com', WRONG, new Date(now));
    }

    assert.deepEqual(last, { outcome: 'locked', retryAfterSeconds: 900 });
  });
});
