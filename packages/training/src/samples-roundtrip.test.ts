/**
 * samples.json + samples.png read back as written, for gray and RGB images:
 * the picked test images come misclassified first (in test order), the
 * pixels cut from the sprite equal the test images, the probabilities are
 * the model's; a samples.png that does not match its index is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, type ImageSet } from '@tensorpool/core';
import { initBackend, initialWeights, layerOutputs, type ModelSpec } from '@tensorpool/engine';
import { loadSamples, saveSamples, SAMPLES_PNG } from './samples.js';

const dir = mkdtempSync(join(tmpdir(), 'tp-samples-'));
beforeAll(() => initBackend('cpu'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function specFor(c: number): ModelSpec {
  return { name: `s${c}`, inputShape: [6, 5, c], labels: ['a', 'b', 'c'], layers: [{ type: 'flatten' }, { type: 'dense', units: 3, activation: 'softmax' }] };
}

describe('sample predictions saved with a model', () => {
  for (const c of [1, 3]) {
    it(`round-trips ${c}-channel images, misclassified first`, async () => {
      const spec = specFor(c);
      const weights = initialWeights(spec, 1);
      const n = 14;
      const size = 6 * 5 * c;
      const set: ImageSet = { images: new Uint8Array(n * size).map((_, i) => (i * 13) % 256), labels: Uint8Array.from({ length: n }, (_, i) => i % 3), n, shape: [6, 5, c], classes: spec.labels };
      const predictions = Int32Array.from({ length: n }, (_, i) => ([2, 5, 11].includes(i) ? (i + 1) % 3 : i % 3));
      const predict = async (x: Float32Array, m: number) => {
        const out = new Float32Array(m * 3);
        for (let i = 0; i < m; i++) out.set(layerOutputs(spec, weights, x.subarray(i * size, (i + 1) * size)).probabilities, i * 3);
        return out;
      };
      const out = join(dir, `c${c}`);
      const saved = await saveSamples(out, { set, labels: spec.labels, test: { labels: Int32Array.from(set.labels), predictions }, normalization: 'div255', predict, max: 10 });
      expect(saved.samples.map((s) => s.index)).toEqual([2, 5, 11, 0, 1, 3, 4, 6, 7, 8]);
      expect(saved.misclassified).toBe(3);
      const back = await loadSamples(out);
      expect(back!.index).toEqual(saved);
      back!.index.samples.forEach((s, k) => {
        expect(Array.from(back!.pixels.subarray(k * size, (k + 1) * size)), `sample ${k}`).toEqual(Array.from(set.images.subarray(s.index * size, (s.index + 1) * size)));
        expect(s.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      });
    });
  }

  it('refuses a samples.png that does not match its index', async () => {
    writeFileSync(join(dir, 'c3', SAMPLES_PNG), await import('sharp').then((m) => m.default({ create: { width: 7, height: 7, channels: 3, background: '#000' } }).png().toBuffer()));
    await expect(loadSamples(join(dir, 'c3'))).rejects.toThrow(DataError);
    await expect(loadSamples(join(dir, 'c3'))).rejects.toThrow(/^bad samples\.png in .*: 7x7x3, samples\.json says 40x12x3$/);
  });
});
