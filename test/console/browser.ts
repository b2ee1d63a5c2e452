import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, installed by `.ci/run` with apt. */
const CHROMIUM = '/usr/bin/chromium';

/** Flags that keep a headless Chromium quiet: no sandbox in containers, no network of its own. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the tests leave the screenshots that docs/console.md shows. */
export const SCREENSHOT_DIR = path.resolve('docs/console');

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

let built = false;

/** Bundles the console from the current sources once per test process, so no stale build is tested. */
function buildConsole(): void {
  if (built) return;
  const script = fileURLToPath(new URL('../../scripts/build-console.mjs', import.meta.url));
  execFileSync(process.execPath, [script], { stdio: 'ignore' });
  built = true;
}

/** Starts Chromium with a fresh profile at 1280×800; `close` removes the profile. */
export async function launchBrowser(): Promise<TestBrowser> {
  buildConsole();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'scimd-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  return {
    context,
    page,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot of the page for the documentation when `enabled`. */
export async function screenshot(page: Page, name: string, enabled: boolean): Promise<void> {
  if (!enabled) return;
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** The console's section navigation. */
export function sections(page: Page) {
  return page.getByRole('navigation', { name: 'Sections' });
}
