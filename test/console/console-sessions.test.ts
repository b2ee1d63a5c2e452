import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { startTestServer, TEST_ADMIN_TOKEN } from '../helpers/server.js';
import { launchBrowser, screenshot, sections, type TestBrowser } from './browser.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestAdmin } from './console-client.js';

describeEachDatabase('console sessions in the browser', (database, kind) => {
  let server: RunningServer;
  let browser: TestBrowser;

  before(async () => {
    server = await startTestServer(database());
    await createTestAdmin(server.context.storage);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const signIn = async (password = ADMIN_PASSWORD) => {
    const { page } = browser;
    await browser.context.clearCookies();
    await page.goto(`${server.url}/console`);
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  test('a wrong password shows the server message and stays on sign-in', async () => {
    const { page } = browser;
    await signIn('not the password');

    await page.getByRole('alert').filter({ hasText: 'wrong' }).waitFor();
    assert.equal(
      await page.getByRole('alert').filter({ hasText: 'wrong' }).textContent(),
      'the email address or password is wrong',
    );
    assert.equal(await page.getByRole('heading', { name: 'Sign in to scimd' }).count(), 1);
    assert.deepEqual(await browser.context.cookies(), []);
    await screenshot(page, 'sign-in-failed', kind === 'sqlite');
  });

  test('the session cookie is HttpOnly and SameSite=Strict', async () => {
    await signIn();
    await browser.page.getByRole('heading', { name: 'Getting started' }).waitFor();

    const [cookie] = await browser.context.cookies();
    assert.equal(cookie?.name, 'scimd_session');
    assert.equal(cookie?.httpOnly, true);
    assert.equal(cookie?.sameSite, 'Strict');
    assert.equal(await browser.page.evaluate('document.cookie'), '');
  });

  test('an expired session sends the next action back to sign-in', async () => {
    const { page } = browser;
    await signIn();
    await page.getByRole('heading', { name: 'Getting started' }).waitFor();
    await server.context.storage.db
      .updateTable('admin_sessions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();

    await sections(page).getByRole('link', { name: 'Service accounts' }).click();

    await page.getByRole('heading', { name: 'Sign in to scimd' }).waitFor();
    await page.getByText('Your session has ended. Sign in again.').waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Service accounts' }).count(), 0);
  });

  test('sign-out ends the session on the server', async () => {
    const { page } = browser;
    await signIn();
    await page.getByRole('heading', { name: 'Getting started' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    const status = await page.evaluate(async () => (await fetch('/admin/v1/orgs')).status);
    const sessions = await server.context.storage.db
      .selectFrom('admin_sessions')
      .select('id_hash')
      .where('expires_at', '>', new Date().toISOString())
      .execute();

    assert.equal(status, 401);
    assert.equal(sessions.length, 0);
  });

  test('a state change from the page without the CSRF header is refused', async () => {
    const { page } = browser;
    await signIn();
    await page.getByRole('heading', { name: 'Getting started' }).waitFor();

    const status = await page.evaluate(async () => {
      const response = await fetch('/admin/v1/orgs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'forged' }),
      });
      return response.status;
    });

    assert.equal(status, 403);
  });
});

describeEachDatabase('console first start in the browser', (database, kind) => {
  let server: RunningServer;
  let browser: TestBrowser;

  before(async () => {
    server = await startTestServer(database());
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('first start form creates the admin', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/console`);
    await page.getByRole('heading', { name: 'First start' }).waitFor();
    await screenshot(page, 'first-start', kind === 'sqlite');

    await page.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
    await page.getByLabel('Email').nth(1).fill('first@example.com');
    await page.getByLabel('New password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Create first admin' }).click();
    await page.getByRole('heading', { name: 'Getting started' }).waitFor();

    assert.equal(await page.getByText('first@example.com').count(), 1);
  });
});
