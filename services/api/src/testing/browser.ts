/**
 * Debian's chromium driven by playwright-core for the dashboard's browser
 * tests (no browser download; .ci/run installs `chromium`): a fresh
 * user-data-dir per launch, every console error and page error collected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface Browser {
  context: BrowserContext;
  /** Console errors and uncaught page errors of every page opened so far. */
  errors: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'tp-chromium-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const watch = (p: Page) => {
    p.on('console', (m) => void (m.type() === 'error' && errors.push(`${p.url()}: ${m.text()}`)));
    p.on('pageerror', (e) => void errors.push(`${p.url()}: ${e.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context, errors,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs `page` in through the login page with `token`, landing on `path`. */
export async function signIn(page: Page, base: string, token: string, path: string): Promise<void> {
  await page.goto(`${base}/login?next=${encodeURIComponent(path)}`);
  await page.fill('input[name=token]', token);
  await Promise.all([page.waitForURL(`${base}${path}`), page.click('button[type=submit]')]);
}
