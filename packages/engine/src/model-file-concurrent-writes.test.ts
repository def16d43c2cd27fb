import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialWeights } from './init.js';
import { loadModel, modelFormatOf, saveModel } from './model-file.js';
import { tinySeedSpec } from './reference-net.test-util.js';

/**
 * Two saves of one file at once in one process (a coordinator finishing a job
 * from its restart scan and from a redelivered last round) both succeed, one
 * whole file is left, and no temporary: each write has its own temporary name.
 */
describe('concurrent saves of one model file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tensorpool-concurrent-save-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const spec = tinySeedSpec();

  for (const name of ['model.h5', 'model.keras']) {
    it(`${name}: four writers, every one resolves, the file loads as one of them`, async () => {
      const file = join(dir, name);
      const weights = [1, 2, 3, 4].map((seed) => initialWeights(spec, seed));
      await Promise.all(weights.map((w) => saveModel(file, modelFormatOf(file), { spec, weights: w, metadata: { labels: spec.labels } })));
      const loaded = await loadModel(file);
      expect(weights.some((w) => w.every((x, i) => x === loaded.weights[i]))).toBe(true);
      expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    });
  }
});
