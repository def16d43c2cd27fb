// The pooling explorer in chromium: a known model (seeded weights, a
// non-default normalization) and a known image uploaded through the page's
// file input. The numbers the page received and draws (window.tpExplorer,
// decoded from the server's binary answer) equal conv2d + ReLU and maxPool
// computed here with plain tf ops; every pooling output is the maximum of
// its 2x2 window at the place the page highlights, and the crop marks one
// maximum per output cell it shows. No console errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { initBackend } from '@tensorpool/engine';
import { buildLogdirServer } from './logdir-server.js';
import { launchBrowser, type Browser } from '../testing/browser.js';
import { knownImagePng, referenceOutputs, saveKnownModel } from '../testing/explorer-model.js';

const dir = mkdtempSync(join(tmpdir(), 'tp-explorer-'));
let app: FastifyInstance;
let base: string;
let browser: Browser;
let weights: Float32Array;
let image: Buffer;

beforeAll(async () => {
  await initBackend('cpu');
  weights = await saveKnownModel(join(dir, 'models', 'known'));
  image = await knownImagePng();
  writeFileSync(join(dir, 'known.png'), image);
  app = await buildLogdirServer(join(dir, 'models'));
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface PageData {
  layers: { name: string; type: string; shape: number[]; values: number[] }[];
  pools: { step: number; inputStep: number; window: number[]; strides: number[]; inShape: number[]; outShape: number[]; argmax: number[] }[];
}

describe('pooling explorer in chromium', () => {
  it('shows the values of the real forward pass for an uploaded image', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/explorer?model=known`);
    await page.locator('#model option[value="known"]').waitFor({ state: 'attached' });
    await page.setInputFiles('#file', join(dir, 'known.png'));
    await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
    const d = await page.evaluate(() => {
      const e = (globalThis as unknown as { tpExplorer: { layers: { name: string; type: string; shape: number[]; values: Float32Array }[]; pools: (PageData['pools'][number] & { argmax: Int32Array })[] } }).tpExplorer;
      return {
        layers: e.layers.map((l) => ({ name: l.name, type: l.type, shape: l.shape, values: Array.from(l.values) })),
        pools: e.pools.map((p) => ({ ...p, argmax: Array.from(p.argmax) })),
      };
    }) as PageData;

    const ref = await referenceOutputs(weights, image);
    expect(d.layers.map((l) => `${l.name}:${l.shape.join('x')}`)).toEqual(['conv2d_1:26x26x8', 'max_pooling2d_1:13x13x8', 'flatten_1:1352', 'dense_1:10']);
    const [conv, pool] = d.layers;
    expect(conv.values.length).toBe(ref.conv.length);
    // float32 rounding apart (the server runs tfjs's wasm backend, the reference the cpu one): within 1e-5 of the layer's largest value.
    const tol = 1e-5 * Math.max(1, ...Array.from(ref.conv, Math.abs));
    conv.values.forEach((v, i) => expect(Math.abs(v - ref.conv[i]), `conv2d_1[${i}]`).toBeLessThan(tol));
    pool.values.forEach((v, i) => expect(Math.abs(v - ref.pool[i]), `max_pooling2d_1[${i}]`).toBeLessThan(tol));
    expect(ref.conv.some((v) => v > 0.01)).toBe(true); // the maps are not all zero
    expect(new Set(Array.from(ref.pool, (v) => v.toFixed(4))).size).toBeGreaterThan(50);

    // The highlighted maximum of each window: inside the window, and the value the output took.
    const [p] = d.pools;
    expect(p).toMatchObject({ step: 1, inputStep: 0, window: [2, 2], strides: [2, 2], inShape: [26, 26, 8], outShape: [13, 13, 8] });
    p.argmax.forEach((a, o) => {
      const ch = o % 8, ox = Math.floor(o / 8) % 13, oy = Math.floor(o / 8 / 13);
      expect(a % 8).toBe(ch);
      expect(Math.floor(a / 8 / 26) >> 1).toBe(oy);
      expect((Math.floor(a / 8) % 26) >> 1).toBe(ox);
      expect(conv.values[a]).toBe(pool.values[o]);
    });

    // The crop: 4x4 windows by default, one marked maximum per output cell shown.
    const pooled = page.locator('section[data-type="maxPooling2d"]');
    expect(await pooled.locator('.crop-out td').count()).toBe(16);
    const marked = await pooled.locator('.crop-in td.max').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-index'))));
    const outs = await pooled.locator('.crop-out td').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-index'))));
    expect(marked.sort((a, b) => a - b)).toEqual([...new Set(outs.map((o) => p.argmax[o]))].sort((a, b) => a - b));
    expect(await page.locator('section[data-type="conv2d"] .map').count()).toBe(8);
    expect(browser.errors).toEqual([]);
  });
});
