// The run page's cancel button on a running 2-worker distributed job, in
// chromium, signed in with the API token (user role, not admin). The workers
// pause after their first step (test hook, so the job is certainly running when
// the button is pressed). Before the click, the cancel route refuses what a
// cross-site page could send: no session (401), a valid token without the
// X-Tensorpool-Action header (403), the header with a foreign Origin (403),
// each leaving the job running. The click cancels the job: its record says
// cancelled, the page shows it and stops updating; no console errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ApiServer } from '@tensorpool/api';
import { launchBrowser, signIn, type Browser } from '@tensorpool/api/testing/browser';
import { Cluster, hooks } from './support/cluster.js';

const token = 'dash-cancel-tok-0123456789';
const c = new Cluster('dash-cancel');
let app: ApiServer;
let base: string;
let browser: Browser;

beforeAll(async () => {
  app = await buildServer({ prefix: c.prefix, token });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await c.close();
});

describe('cancel button of a distributed job, in chromium', () => {
  it('cancels the running job, and only from the dashboard itself', { timeout: 300_000 }, async () => {
    const paused = new Set<string>();
    c.onHook((h) => void (h.paused && paused.add(`${h.shard}`)));
    const pause = hooks({ at: 'shard-step', epoch: 0, step: 1, pause: true });
    c.coordinator();
    c.worker('w1', pause);
    c.worker('w2', pause);
    await c.waitForWorkers('w1', 'w2');
    const jobId = c.enqueue();
    await c.waitFor('both shards paused after their first step', async () => paused.size === 2);

    const url = `${base}/api/runs/${jobId}/cancel`;
    const bearer = { authorization: `Bearer ${token}` };
    expect((await fetch(url, { method: 'POST', headers: { 'x-tensorpool-action': '1' } })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', headers: bearer })).status).toBe(403);
    expect((await fetch(url, { method: 'POST', headers: { ...bearer, 'x-tensorpool-action': '1', origin: 'https://evil.example' } })).status).toBe(403);
    expect((await c.client.status(jobId)).state).toBe('running');

    const page = await browser.newPage();
    await signIn(page, base, token, `/runs/${jobId}`);
    await page.waitForSelector('#cancel:visible');
    await page.waitForSelector('#shards tbody tr');
    await page.click('#cancel');
    await page.waitForSelector('#cancel-result[data-status="200"]');
    expect(await page.textContent('#cancel-result')).toContain('cancelled');
    await page.waitForSelector('body[data-ended="true"]', { timeout: 60_000 });
    expect(await page.getAttribute('body', 'data-state')).toBe('cancelled');
    expect(await page.textContent('#notice')).toContain('cancelled: live updates stopped');
    expect(await page.isHidden('#cancel')).toBe(true);
    expect((await c.client.status(jobId)).state).toBe('cancelled');
    expect(browser.errors).toEqual([]);
  });
});
