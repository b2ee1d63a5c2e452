import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/server/start.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  generateIntegratorKey,
  type IntegratorKey,
  serveJwks,
  signAssertion,
} from '../helpers/fixtures.js';
import { requestJson } from '../helpers/http.js';
import { startTestServer } from '../helpers/server.js';
import { launchBrowser, screenshot, sections, type TestBrowser } from './browser.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestAdmin } from './console-client.js';

describeEachDatabase('console flow in the browser', (database, kind) => {
  let server: RunningServer;
  let browser: TestBrowser;
  let key: IntegratorKey;
  let jwksServer: Awaited<ReturnType<typeof serveJwks>>;
  // Screenshots come from one database only; both render the same pages.
  const shots = kind === 'sqlite';

  before(async () => {
    server = await startTestServer(database());
    await createTestAdmin(server.context.storage);
    key = await generateIntegratorKey('RS256', 'okta-key-1');
    jwksServer = await serveJwks([key.publicJwk]);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await jwksServer?.close();
    await server?.close();
  });

  test('console setup to a provisioned user, then the user in the console', async () => {
    const { page } = browser;

    // Sign in by keyboard alone.
    await page.goto(`${server.url}/console`);
    await page.getByRole('heading', { name: 'Sign in to scimd' }).waitFor();
    await screenshot(page, 'sign-in', shots);
    await page.getByLabel('Email').focus();
    await page.keyboard.type(ADMIN_EMAIL);
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Getting started' }).waitFor();

    // Service account.
    await sections(page).getByRole('link', { name: 'Service accounts' }).click();
    await page.getByLabel('Name', { exact: true }).fill('okta-provisioner');
    await page.getByLabel('Description').fill('Okta pushes employees');
    await page.getByRole('button', { name: 'Create service account' }).click();
    await page.getByRole('heading', { name: 'okta-provisioner' }).waitFor();

    // Credentials, with the scope list filtered first.
    await page.getByLabel('Credential name').fill('okta');
    await page.getByLabel('Filter scopes').fill('read:');
    assert.equal(await page.locator('label.check:visible').count(), 1);
    await page.getByLabel('Filter scopes').fill('');
    await page.getByRole('button', { name: 'Create credentials' }).click();
    const clientId = (await page.locator('[data-copy="new client ID"]').textContent()) ?? '';
    assert.match(clientId, /^scimd-[0-9a-f]{24}$/);
    await screenshot(page, 'credentials-created', shots);

    // Keys: the JWKS pasted, and the JWKS URL with the keys fetched from it.
    await page.getByRole('button', { name: 'Register keys' }).click();
    await page.locator('summary', { hasText: 'Register keys' }).click();
    await page.getByLabel('Public key').fill(JSON.stringify({ keys: [key.publicJwk] }));
    await page.getByRole('button', { name: 'Add key' }).click();
    await page.getByRole('cell', { name: 'okta-key-1', exact: true }).waitFor();
    await page.locator('summary', { hasText: 'Register keys' }).click();
    await page.getByLabel('JWKS URL').fill(jwksServer.url);
    await page.getByRole('button', { name: 'Save URL' }).click();
    await page.getByRole('button', { name: 'Show fetched keys' }).click();
    await page.getByRole('table', { name: `Keys fetched from ${jwksServer.url}` }).waitFor();
    await screenshot(page, 'service-account', shots);

    // Directory and grant.
    await sections(page).getByRole('link', { name: 'Identity providers' }).click();
    await page.getByLabel('Directory name').fill('apple_directory');
    await page.getByRole('button', { name: 'Create directory' }).click();
    await page.getByRole('heading', { name: 'apple_directory' }).waitFor();
    const scimBaseUrl = (await page.locator('[data-copy="SCIM base URL"]').textContent()) ?? '';
    assert.match(scimBaseUrl, new RegExp(`^${server.url}/scim/directory/[0-9a-f-]{36}$`));
    await page.getByLabel('Service account').selectOption({ label: 'okta-provisioner' });
    await page.getByRole('button', { name: 'Grant access' }).click();
    await page.getByRole('button', { name: 'Revoke access of okta-provisioner' }).waitFor();

    // Outside the browser: the integrator gets a token and creates a user.
    const assertion = await signAssertion(key, clientId, server.url);
    const token = await requestJson(`${server.url}/oauth/token`, {
      method: 'POST',
      body: {
        grant_type: 'client_credentials',
        scope: 'manage:directory',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      },
    });
    assert.equal(token.status, 200);
    const created = await requestJson(`${scimBaseUrl}/Users`, {
      method: 'POST',
      token: token.body.access_token,
      headers: { 'content-type': 'application/scim+json' },
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'ada@example.com',
        displayName: 'Ada Lovelace',
        emails: [{ value: 'ada@example.com', primary: true }],
      },
    });
    assert.equal(created.status, 201);

    // Back in the console: the user is listed, searchable and opens.
    await page.reload();
    await page.getByRole('link', { name: 'ada@example.com' }).waitFor();
    await page.getByLabel('Search users').fill('ada@example.com');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('Users 1–1 of 1').waitFor();
    await screenshot(page, 'directory', shots);
    await page.getByRole('link', { name: 'ada@example.com' }).click();
    await page.getByRole('heading', { name: 'ada@example.com' }).waitFor();
    await screenshot(page, 'user', shots);

    await sections(page).getByRole('link', { name: 'Getting started' }).click();
    await page.locator('[data-copy="token endpoint"]').waitFor();
    assert.equal(
      await page.locator('[data-copy="token endpoint"]').textContent(),
      `${server.url}/oauth/token`,
    );
    // The audience is the issuer from the server's metadata, not the browser's address.
    assert.equal(await page.locator('[data-copy="audience"]').textContent(), server.url);
    await screenshot(page, 'getting-started', shots);

    await sections(page).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByLabel('Directory').selectOption({ label: 'apple_directory' });
    await page.getByRole('button', { name: 'Filter' }).click();
    // The unfiltered list also shows the token request, which has no directory: once it is gone,
    // the filter has applied.
    await page.getByRole('cell', { name: 'token.issue' }).waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'scim.user.create' }).waitFor();
    assert.equal(await page.getByRole('cell', { name: `client: ${clientId}` }).count(), 1);
    await screenshot(page, 'audit-log', shots);

    // A phone-sized screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await sections(page).getByRole('link', { name: 'Identity providers' }).click();
    await page.getByRole('heading', { name: 'Identity providers' }).waitFor();
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    assert.equal(overflow, 0);
    await screenshot(page, 'phone', shots);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
