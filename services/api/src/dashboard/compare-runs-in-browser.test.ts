// The runs list's state filter and the compare page, in chromium, on
// `tensorpool dashboard --logdir` over two real short trainings that differ in
// batch size (and a third run directory whose run failed): the filter shows
// only the runs in that state; ticking the two trained runs and pressing
// Compare opens one page that overlays both runs' per-epoch curves (the values
// the chart holds equal each run's events.jsonl) and marks batchSize as
// differing and the dataset as not; no page logs an error.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { makeRunEvent } from '@tensorpool/core';
import { buildLogdirServer } from './logdir-server.js';
import { launchBrowser, type Browser } from '../testing/browser.js';
import { TINY_SPEC } from '../testing/runs.js';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const MAIN = join(ROOT, 'packages/cli/dist/main.js');
const dir = mkdtempSync(join(tmpdir(), 'tp-dash-compare-'));
const logdir = join(dir, 'runs');
let app: FastifyInstance;
let base: string;
let browser: Browser;

function train(name: string, batchSize: number): Promise<string> {
  const child = spawn(process.execPath, [MAIN, 'train', '--preset', join(dir, 'tiny.json'), '--data', 'fashion-mnist', '--limit', '256', '--epochs', '2',
    '--threads', '1', '--batch-size', String(batchSize), '--validation-split', '0.25', '--no-h5', '--out', join(logdir, name)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`train ${name} exited ${code}\n${out}`)))));
}

const valAccuracies = (name: string) => readFileSync(join(logdir, name, 'events.jsonl'), 'utf8').trim().split('\n')
  .map((l) => JSON.parse(l) as { type: string; valAccuracy?: number }).filter((e) => e.type === 'epoch-end').map((e) => e.valAccuracy);

beforeAll(async () => {
  mkdirSync(join(logdir, 'broken'), { recursive: true });
  writeFileSync(join(dir, 'tiny.json'), JSON.stringify(TINY_SPEC));
  await Promise.all([train('batch-32', 32), train('batch-64', 64)]);
  const started = makeRunEvent({ type: 'run-started', name: 'broken', mode: 'local', epochs: 3, batchSize: 32, dataset: 'fashion-mnist', trainSamples: 1, testSamples: 1, labels: [], options: {} });
  const failed = makeRunEvent({ type: 'run-failed', message: 'out of memory' });
  writeFileSync(join(logdir, 'broken', 'events.jsonl'), `${JSON.stringify(started)}\n${JSON.stringify(failed)}\n`);
  app = await buildLogdirServer(logdir, { pollMs: 100 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('runs list filter and compare page, in chromium', () => {
  it('filters by state and overlays two runs with their options diff', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.locator('tr[data-run-id="batch-64"][data-state="completed"]').waitFor();
    const shown = async () => (await page.locator('#runs tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run-id')))).sort();
    expect(await shown()).toEqual(['batch-32', 'batch-64', 'broken']);
    await page.selectOption('#filter', 'failed');
    expect(await shown()).toEqual(['broken']);
    await page.selectOption('#filter', 'completed');
    expect(await shown()).toEqual(['batch-32', 'batch-64']);
    await page.selectOption('#filter', 'running');
    expect(await shown()).toEqual([]);
    expect(await page.isVisible('#empty')).toBe(true);
    await page.selectOption('#filter', '');

    expect(await page.isDisabled('#compare')).toBe(true);
    await page.check('tr[data-run-id="batch-32"] input.pick');
    await page.check('tr[data-run-id="batch-64"] input.pick');
    await Promise.all([page.waitForURL(/\/compare\?ids=/), page.click('#compare')]);
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.getAttribute('#cmp-val-acc', 'data-series')).toBe('2');
    expect(await page.getAttribute('#cmp-val-acc', 'data-points')).toBe('2,2');
    const chart = await page.evaluate(() => (globalThis as unknown as { tpCompare: Record<string, number[][]> }).tpCompare.valAccuracy);
    expect(chart).toEqual([[1, 2], valAccuracies('batch-32'), valAccuracies('batch-64')]);

    const option = async (k: string) => page.locator(`tr[data-option="${k}"]`).evaluate((tr) => ({ differs: tr.getAttribute('data-differs'), cls: tr.className, values: [...tr.querySelectorAll('td')].map((td) => td.textContent) }));
    expect(await option('batchSize')).toEqual({ differs: 'true', cls: 'diff', values: ['32', '64'] });
    const dataset = await option('dataset');
    expect(dataset).toMatchObject({ differs: 'false', cls: '' });
    expect(dataset.values[0]).toMatch(/^fashion-mnist/);
    expect(dataset.values[1]).toBe(dataset.values[0]);
    expect(browser.errors).toEqual([]);
  });
});
