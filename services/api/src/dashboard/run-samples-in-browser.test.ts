// The run page of a finished short `tensorpool train` shows the test images
// saved with its model (samples.json + samples.png), misclassified first, and
// its counts match the saved files. The data make both kinds certain: dark
// and bright images, a few of each filed under the other class, so the
// model (which learns brightness) gets those wrong and the rest right.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildLogdirServer } from './logdir-server.js';
import { launchBrowser, type Browser } from '../testing/browser.js';
import { TINY_SPEC } from '../testing/runs.js';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const MAIN = join(ROOT, 'packages/cli/dist/main.js');
const dir = mkdtempSync(join(tmpdir(), 'tp-dash-samples-'));
const out = join(dir, 'runs', 'bright-dark');
const PER_CLASS = 60;
const FLIPPED = 8;
/** The part of a DOM canvas the test reads (the API's tsconfig has no DOM types). */
interface Canvas2d { getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }
let app: FastifyInstance;
let base: string;
let browser: Browser;

beforeAll(async () => {
  for (const cls of ['bright', 'dark']) mkdirSync(join(dir, 'data', cls), { recursive: true });
  for (let i = 0; i < 2 * PER_CLASS; i++) {
    const bright = i % 2 === 0;
    const filed = (i >> 1) < FLIPPED / 2 ? !bright : bright; // the first few of each kind under the other class
    const px = Buffer.alloc(28 * 28).map((_, j) => (bright ? 180 : 0) + ((i * 31 + j * 7) % 70));
    await sharp(px, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(dir, 'data', filed ? 'bright' : 'dark', `${i}.png`));
  }
  writeFileSync(join(dir, 'spec.json'), JSON.stringify({ ...TINY_SPEC, name: 'bright-dark', labels: ['bright', 'dark'], layers: [...TINY_SPEC.layers.slice(0, -1), { type: 'dense', units: 2, activation: 'softmax' }] }));
  const train = spawnSync(process.execPath, [MAIN, 'train', '--preset', join(dir, 'spec.json'), '--data', join(dir, 'data'), '--test-fraction', '0.5',
    '--epochs', '4', '--batch-size', '8', '--threads', '1', '--seed', '5', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  expect(train.status, train.stderr).toBe(0);
  app = await buildLogdirServer(join(dir, 'runs'));
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sample predictions on the run page, in chromium', () => {
  it('shows the saved samples, misclassified first, with the saved counts', async () => {
    const saved = JSON.parse(readFileSync(join(out, 'samples.json'), 'utf8')) as { labels: string[]; testSamples: number; misclassified: number; samples: { label: number; predicted: number }[] };
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { confusionMatrix: number[][]; testSamples: number };
    const offDiagonal = metrics.confusionMatrix.flatMap((row, i) => row.filter((_, j) => j !== i)).reduce((a, b) => a + b, 0);
    expect(saved.testSamples).toBe(metrics.testSamples);
    expect(saved.misclassified).toBe(offDiagonal);
    expect(saved.misclassified).toBeGreaterThan(0); // the flipped test images
    expect(saved.misclassified).toBeLessThan(saved.samples.length); // and right ones after them
    expect(saved.samples).toHaveLength(Math.min(32, saved.testSamples));

    const page = await browser.newPage();
    await page.goto(`${base}/runs/bright-dark`);
    await page.waitForSelector('#samples[data-count]', { timeout: 60_000 }).catch(async (e: Error) => {
      // Say what the page shows instead (the note carries a load error or "none saved").
      throw new Error(`${e.message}; #samples-note: ${await page.textContent('#samples-note')}; body: ${JSON.stringify(await page.evaluate(() => ({ ...(globalThis as unknown as { document: { body: { dataset: object } } }).document.body.dataset })))}`);
    });
    const tiles = await page.locator('#samples .sample').evaluateAll((as) => as.map((a) => ({
      correct: a.getAttribute('data-correct'), label: a.getAttribute('data-label'), predicted: a.getAttribute('data-predicted'), href: a.getAttribute('href'),
    })));
    expect(tiles).toEqual(saved.samples.map((s, k) => ({
      correct: String(s.label === s.predicted), label: saved.labels[s.label], predicted: saved.labels[s.predicted], href: `/explorer?model=bright-dark&sample=${k}`,
    })));
    const wrong = tiles.filter((t) => t.correct === 'false').length;
    expect(wrong).toBe(saved.misclassified); // all of them fit in the grid here
    expect(tiles.slice(0, wrong).every((t) => t.correct === 'false') && tiles.slice(wrong).every((t) => t.correct === 'true')).toBe(true);
    expect(await page.getAttribute('#samples', 'data-misclassified')).toBe(String(saved.misclassified));
    expect(await page.textContent('#samples-note')).toBe(`${saved.misclassified} of ${saved.testSamples} test images misclassified; showing ${saved.samples.length} (${wrong} misclassified first)`);
    // Each tile is drawn from the sprite (not blank): a bright one has bright pixels.
    const firstBright = saved.samples.findIndex((s) => s.label === s.predicted && saved.labels[s.label] === 'bright');
    const mean = await page.locator('#samples canvas').nth(firstBright).evaluate((c) => {
      const d = (c as unknown as Canvas2d).getContext('2d').getImageData(0, 0, 28, 28).data;
      let s = 0;
      for (let i = 0; i < d.length; i += 4) s += d[i];
      return s / (d.length / 4);
    });
    expect(mean).toBeGreaterThan(150);
    expect(browser.errors).toEqual([]);
  });
});
