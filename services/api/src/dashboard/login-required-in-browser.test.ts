// `tensorpool serve`'s dashboard refuses everything without the token: pages
// (401; to a browser, a page that goes to /login), data and event streams
// (401). In chromium: / lands on the login page, a wrong token is refused, the
// right one opens the list (the queued job shows) with an HttpOnly session
// cookie the page's scripts cannot read. With the bearer token, a job's event
// stream stays open while it is queued and ends, saying so, when it is cancelled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ApiServer } from '../server.js';
import { closeTestServer } from '../testing/app.js';
import { launchBrowser, type Browser } from '../testing/browser.js';

const prefix = `tp-test-dash-login-${process.pid}`;
const token = 'dash-tok-0123456789abcdef';
let app: ApiServer;
let base: string;
let browser: Browser;
let jobId: string;

beforeAll(async () => {
  app = await buildServer({ prefix, token });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const r = await fetch(`${base}/jobs`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 1 }) });
  expect(r.status).toBe(201);
  jobId = ((await r.json()) as { jobId: string }).jobId;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await closeTestServer(app, prefix);
});

describe('dashboard behind the API token', () => {
  it('answers 401 to pages, data and event streams without a credential', async () => {
    for (const path of ['/', `/runs/${jobId}`, '/workers', '/api/runs', `/api/runs/${jobId}`, `/runs/${jobId}/events`, '/api/workers']) {
      const r = await fetch(`${base}${path}`);
      expect(r.status, path).toBe(401);
      expect(await r.text(), path).not.toContain('tiny');
    }
    const page = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('url=/login?next=%2F');
    const data = await fetch(`${base}/api/runs`, { headers: { accept: 'text/html' } });
    expect(data.status).toBe(401);
    expect(data.headers.get('content-type')).toContain('application/json');
  });

  it('sends a browser to the login page, refuses a wrong token, and opens the list with the right one', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login\?next=%2F$/);
    await page.fill('input[name=token]', `${token}x`);
    const [wrong] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(wrong!.status()).toBe(401);
    expect(await browser.context.cookies()).toEqual([]);

    await page.goto(`${base}/login?next=%2F`);
    await page.fill('input[name=token]', token);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
    await page.locator(`tr[data-run-id="${jobId}"][data-state="queued"]`).waitFor();
    const [cookie] = await browser.context.cookies();
    expect(cookie).toMatchObject({ name: 'tensorpool_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.value).not.toContain(token);
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');
    expect(page.url()).not.toContain('token');
    // The workers page reads the queue stats with the same session.
    await page.goto(`${base}/workers`);
    await page.locator('.card[data-key="jobsActive"] b').filter({ hasText: '1' }).waitFor();
    // Failed requests (the refused token's page) are expected above; nothing else may log an error.
    expect(browser.errors.filter((e) => !e.includes('status of 401'))).toEqual([]);
  });

  it('streams a job\'s events with the token and ends the stream when the job is cancelled', async () => {
    const ctl = new AbortController();
    const r = await fetch(`${base}/runs/${jobId}/events`, { headers: { authorization: `Bearer ${token}` }, signal: ctl.signal });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/event-stream');
    const cancel = await fetch(`${base}/jobs/${jobId}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(cancel.status).toBe(200);
    const text = await r.text(); // ends only because the server closes the stream
    expect(text).toContain('"type":"run-cancelled"');
    expect(text).toMatch(/event: end\ndata: \{"state":"cancelled"\}/);
  });
});
