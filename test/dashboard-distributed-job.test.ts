// `tensorpool serve`'s dashboard on a real 2-worker distributed job (coordinator
// and workers as processes, real Redis under the test's prefix), in chromium,
// signed in with the token: the run page follows the job over SSE to its end,
// one curve point per averaged epoch, every shard of every round of every
// epoch (2 rounds per epoch) finished by w1 or w2 in the table and the
// timeline (followed live, and again when the page is opened after the end),
// the shard workers' `step` events in the job's stream (every stepEvery steps
// of each shard's epoch and at its end) drawn as one per-step line per shard,
// the confusion matrix summing to the job's test count, download
// links to the saved model that return its bytes to the signed-in browser and
// 401 without the session; the list shows it completed; the workers page shows
// both live workers; no console errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '@tensorpool/core';
import { buildServer, type ApiServer } from '@tensorpool/api';
import { launchBrowser, signIn, type Browser } from '@tensorpool/api/testing/browser';
import { Cluster } from './support/cluster.js';

const token = 'dash-dist-tok-0123456789';
const c = new Cluster('dashboard');
let app: ApiServer;
let base: string;
let browser: Browser;

beforeAll(async () => {
  app = await buildServer({ prefix: c.prefix, token, modelsDir: join(c.dir, 'models') });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await c.close();
});

describe('dashboard of a distributed job, in chromium', () => {
  it('follows a 2-worker job to its end', { timeout: 300_000 }, async () => {
    c.coordinator();
    c.worker('w1');
    c.worker('w2');
    await c.waitForWorkers('w1', 'w2');
    // 512 samples over 2 shards, the global batch of 16 split into 8 per shard: 32 steps per shard epoch, so with stepEvery 20 a step event at 20 and 32.
    const jobId = c.enqueue(['--sync-every', '2', '--batch-size', '16']);

    const page = await browser.newPage();
    await signIn(page, base, token, `/runs/${jobId}`);
    await page.waitForSelector('body[data-ended="true"]', { timeout: 240_000 });
    const done = await c.waitForState(jobId);
    expect(done.state, `${done.error}\n${c.logs()}`).toBe('completed');
    expect(await page.getAttribute('body', 'data-state')).toBe('completed');
    expect(await page.getAttribute('#loss-chart', 'data-points')).toBe('2');
    expect(DEFAULTS.events.stepEvery).toBe(20);
    // Per-step curves for the distributed job: 2 epochs x 2 step events per shard.
    expect(await page.getAttribute('#step-loss-chart', 'data-points')).toBe('8');
    expect(await page.getAttribute('#step-loss-chart', 'data-shard0')).toBe('4');
    expect(await page.getAttribute('#step-loss-chart', 'data-shard1')).toBe('4');
    expect(await page.isVisible('#no-steps')).toBe(false);

    const shards = await page.locator('#shards tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    // epoch/round/shard/state: every round shows, not only an epoch's last
    expect(shards.map((r) => `${r[0]}/${r[1]}/${r[2]}/${r[4]}`).sort()).toEqual([1, 2].flatMap((e) => [1, 2].flatMap((r) => [0, 1].map((s) => `${e}/${r}/${s}/finished`))));
    for (const r of shards) expect(['w1', 'w2']).toContain(r[3]);
    expect(await page.locator('#timeline .tl-epoch').count()).toBe(2);
    expect(await page.locator('#timeline .tl-bar.finished').count()).toBe(8);

    // Downloads: the links name the saved model's files; the signed-in browser gets the bytes, no session gets 401.
    await page.waitForSelector('#files a[data-file="model.json"]');
    const files = await page.locator('#files a').evaluateAll((as) => as.map((a) => a.getAttribute('data-file')));
    expect(files).toEqual(expect.arrayContaining(['model.json', 'model.h5', 'weights.bin']));
    const href = await page.getAttribute('#files a[data-file="model.h5"]', 'href');
    const got = await page.request.get(`${base}${href}`);
    expect(got.status()).toBe(200);
    expect(Buffer.from(await got.body()).equals(readFileSync(join(done.out!, 'model.h5')))).toBe(true);
    expect((await fetch(`${base}${href}`)).status).toBe(401);
    expect((await fetch(`${base}/runs/${jobId}/files/..%2F..%2Fetc%2Fpasswd`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(400);
    // Opened after the end: the whole history replays into every part of the page.
    await page.reload();
    await page.waitForSelector('body[data-ended="true"]');
    expect(await page.locator('#shards tbody tr').count()).toBe(8);
    expect(await page.locator('#timeline .tl-bar.finished').count()).toBe(8);

    const metrics = await c.client.metrics(jobId) as { testSamples: number };
    const cells = await page.locator('#cm-table td.cm-cell').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-count'))));
    expect(cells.length).toBe(100);
    expect(cells.reduce((a, b) => a + b, 0)).toBe(metrics.testSamples);

    await page.goto(`${base}/`);
    await page.locator(`tr[data-run-id="${jobId}"][data-state="completed"]`).waitFor();
    await page.goto(`${base}/workers`);
    await page.locator('tr[data-worker="w1"]').waitFor();
    await page.locator('tr[data-worker="w2"]').waitFor();
    // The coordinator also wrote the job's events next to its model.
    const saved = readFileSync(join(done.out!, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    expect(saved[0]).toBe('run-started');
    expect(saved.at(-1)).toBe('run-finished');
    expect(saved.filter((t) => t === 'epoch-end')).toHaveLength(2);
    // The job's stream (saved as events.jsonl): each shard's step events, per epoch at steps 20 and 32 of 32, round 2 (steps 16..32).
    type Step = { type: string; epoch: number; shard: number; round: number; step: number; steps: number };
    const steps = readFileSync(join(done.out!, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Step).filter((e) => e.type === 'step');
    expect(steps.map((e) => `${e.shard}/${e.epoch}/${e.round}/${e.step}/${e.steps}`).sort()).toEqual([0, 1].flatMap((s) => [1, 2].flatMap((ep) => [`${s}/${ep}/2/20/32`, `${s}/${ep}/2/32/32`])));
    expect(browser.errors).toEqual([]);
  });
});
