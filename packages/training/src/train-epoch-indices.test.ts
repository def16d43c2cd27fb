/**
 * trainEpoch (the distributed worker's call) trains on exactly the given
 * sample indices, starting from the given weights and Adam state: the same as
 * a trainer run on a copy holding only those samples, and continuing from a
 * returned state equals one longer run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initialWeights } from '@tensorpool/engine';
import { subset } from '@tensorpool/data';
import { trainEpoch } from './train-epoch.js';
import { Trainer } from './trainer.js';
import { initTestBackend, relativeError, syntheticSet, tinySpec } from './fixtures.test-util.js';

const spec = tinySpec(false);
const set = syntheticSet(100);
const indices = Int32Array.from({ length: 40 }, (_, i) => 99 - 2 * i); // every other sample, from the end
const common = { spec, seed: 4, batchSize: 16, threads: 2, augment: 'none' as const, normalization: 'div256' as const };

describe('trainEpoch over sample indices', () => {
  beforeAll(async () => {
    await initTestBackend();
  });

  it('equals training on the subset, and two calls equal one trainer over two epochs', async () => {
    const w0 = initialWeights(spec, 4);
    const a = await trainEpoch({ ...common, train: set, indices, weights: w0, epoch: 0 });
    expect(a.samples).toBe(40);
    expect(a.adam.step).toBe(3); // 16 + 16 + 8
    const b = await trainEpoch({ ...common, train: set, indices, weights: a.weights, adam: a.adam, epoch: 1 });
    expect(b.adam.step).toBe(6);

    const sub = subset(set, indices);
    const t = await Trainer.create({ spec, threads: 2, batchSize: 16 });
    try {
      t.setWeights(w0);
      for (const epoch of [0, 1]) await t.runEpoch({ ...common, train: sub, epoch });
      const ref = t.getWeights();
      expect(relativeError(initialWeights(spec, 4), ref)).toBeGreaterThan(1e-3);
      expect(relativeError(b.weights, ref)).toBeLessThan(1e-6);
    } finally {
      await t.close();
    }
  });
});
