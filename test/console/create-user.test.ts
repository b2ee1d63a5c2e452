import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { signInAdminUser } from '../../src/directory/admin-users.js';
import type { Storage } from '../../src/storage/database.js';
import { runScimd } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';

const PASSWORD = 'a long enough password';

describeEachDatabase('scimd admin create-user', (database) => {
  let storage: Storage;
  const env = () => ({
    SCIMD_DATA_DIR: database().dataDir,
    SCIMD_DATABASE_URL: database().databaseUrl ?? '',
  });

  before(async () => {
    storage = await database().open();
  });
  after(async () => {
    await storage.close();
  });

  test('create-user adds an admin who can sign in', async () => {
    const result = await runScimd(['admin', 'create-user', '--email', 'Ops@Example.com'], {
      env: env(),
      input: `${PASSWORD}\n`,
    });
    const signIn = await signInAdminUser(storage, 'ops@example.com', PASSWORD);

    assert.equal(result.code, 0);
    assert.match(result.stdout, /^created console admin ops@example\.com \([0-9a-f-]{36}\)\n$/);
    assert.equal(signIn.outcome, 'ok');
  });

  test('create-user rejects a short password', async () => {
    const result = await runScimd(['admin', 'create-user', '--email', 'short@example.com'], {
      env: env(),
      input: 'short\n',
    });

    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'scimd: password: must be from 12 to 1024 characters long\n');
  });

  test('create-user rejects a taken email', async () => {
    const result = await runScimd(['admin', 'create-user', '--email', 'ops@example.com'], {
      env: env(),
      input: `${PASSWORD}\n`,
    });

    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'scimd: an admin with email ops@example.com already exists\n');
  });

  test('create-user rejects an invalid email', async () => {
    const result = await runScimd(['admin', 'create-user', '--email', 'not-an-email'], {
      env: env(),
      input: `${PASSWORD}\n`,
    });

    assert.equal(result.code, 1);
    assert.match(result.stderr, /^scimd: email: must be an email address/);
  });
});
