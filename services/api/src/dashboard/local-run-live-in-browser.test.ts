// `tensorpool dashboard --logdir` in a real browser while a real `tensorpool train`
// runs: the list shows the run and its final state, the run page's curves have
// one point per finished epoch and gain one without a reload, and so does the
// per-step curve (one step event per epoch here: 12 steps < stepEvery) (the run is held
// after epoch 1 by the TENSORPOOL_TEST_EPOCH_GATE hook, so it is certainly mid-way),
// the page says when the run has ended, the confusion matrix adds up to the
// test count, and no page logs an error.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildLogdirServer } from './logdir-server.js';
import { launchBrowser, type Browser } from '../testing/browser.js';
import { TINY_SPEC, waitUntil } from '../testing/runs.js';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const MAIN = join(ROOT, 'packages/cli/dist/main.js');
const dir = mkdtempSync(join(tmpdir(), 'tp-dash-local-'));
const logdir = join(dir, 'runs');
const gate = join(dir, 'gate');
const out = join(logdir, 'tiny-a');
let app: FastifyInstance;
let base: string;
let browser: Browser;
let train: ChildProcess;
let trainOutput = '';
let trainExit: Promise<number | null>;

beforeAll(async () => {
  mkdirSync(gate, { recursive: true });
  writeFileSync(join(dir, 'tiny.json'), JSON.stringify(TINY_SPEC));
  train = spawn(process.execPath, [MAIN, 'train', '--preset', join(dir, 'tiny.json'), '--data', 'fashion-mnist', '--limit', '512',
    '--epochs', '2', '--threads', '1', '--validation-split', '0.25', '--out', out], { cwd: ROOT, env: { ...process.env, TENSORPOOL_TEST_EPOCH_GATE: gate }, stdio: ['ignore', 'pipe', 'pipe'] });
  train.stdout!.on('data', (d) => (trainOutput += d));
  train.stderr!.on('data', (d) => (trainOutput += d));
  trainExit = new Promise((r) => train.on('exit', r));
  app = await buildLogdirServer(logdir, { pollMs: 100 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
});

afterAll(async () => {
  writeFileSync(join(gate, 'epoch-1'), ''); // never leave the run held
  if (train.exitCode === null) train.kill('SIGKILL');
  await browser?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

// Whole lines only (each event is one appendFileSync; a file just created is empty).
const eventsOf = () => (existsSync(join(out, 'events.jsonl')) ? readFileSync(join(out, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; testSamples?: number }) : []);

describe('dashboard of a local run, in chromium', () => {
  it('follows the run live and shows its final state and confusion matrix', async () => {
    await waitUntil('epoch 1 written (the run is now held)', () => eventsOf().some((e) => e.type === 'epoch-end'), () => trainOutput);
    const list = await browser.newPage();
    await list.goto(`${base}/`);
    const row = list.locator('tr[data-run-id="tiny-a"]');
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('running');
    expect(await row.locator('.epochs').textContent()).toBe('epoch 1/2');

    const run = await browser.newPage();
    await run.goto(`${base}/runs/tiny-a`);
    await run.waitForSelector('#loss-chart[data-points="1"]');
    await run.waitForSelector('#step-loss-chart[data-points="1"]');
    expect(await run.getAttribute('body', 'data-state')).toBe('running');
    await run.evaluate(() => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true));
    expect(await run.evaluate(() => (globalThis as unknown as { tpRun: { epochs: unknown[] } }).tpRun.epochs.length)).toBe(1);

    writeFileSync(join(gate, 'epoch-1'), ''); // let epoch 2 run
    await run.waitForSelector('#step-loss-chart[data-points="2"]', { timeout: 120_000 });
    await run.waitForSelector('#loss-chart[data-points="2"]', { timeout: 120_000 });
    expect(await run.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true); // no reload
    await run.waitForSelector('body[data-ended="true"]', { timeout: 120_000 });
    expect(await trainExit).toBe(0);
    expect(await run.getAttribute('body', 'data-state')).toBe('completed');
    expect(await run.textContent('#notice')).toContain('live updates stopped');
    expect(await run.getAttribute('#acc-chart', 'data-points')).toBe('2');
    expect(await run.getAttribute('#step-acc-chart', 'data-points')).toBe('2');
    expect(await run.isHidden('#cancel')).toBe(true); // a local run is not cancelled from the dashboard
    expect(Number(await run.getAttribute('#ips-chart', 'data-points'))).toBeGreaterThanOrEqual(2); // throughput: a point per step event

    const finished = eventsOf().find((e) => e.type === 'run-finished')!;
    expect(finished.testSamples).toBeGreaterThan(0);
    const cells = await run.locator('#cm-table td.cm-cell').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-count'))));
    expect(cells.length).toBe(TINY_SPEC.labels.length ** 2);
    expect(cells.reduce((a, b) => a + b, 0)).toBe(finished.testSamples);
    expect(await run.getAttribute('#cm-table', 'data-test-samples')).toBe(String(finished.testSamples));

    await list.locator('tr[data-run-id="tiny-a"][data-state="completed"]').waitFor();
    expect(await list.locator('tr[data-run-id="tiny-a"] .test-acc').textContent()).toMatch(/^\d+\.\d%$/);
    expect(browser.errors).toEqual([]);
  });
});
