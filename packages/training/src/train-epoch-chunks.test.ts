/**
 * A distributed round trains one chunk [startStep, endStep) of a shard's
 * epoch. R chunks in a row, each continuing from the previous chunk's weights
 * and Adam state, are bit-identical to one whole epoch (same batches,
 * shuffle, dropout masks and Adam step count), with dropout on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initialWeights } from '@tensorpool/engine';
import { Trainer } from './trainer.js';
import { initTestBackend, syntheticSet, tinySpec } from './fixtures.test-util.js';

const spec = tinySpec(true);
const set = syntheticSet(100);
const indices = Int32Array.from({ length: 70 }, (_, i) => 99 - i);
const common = { train: set, indices, seed: 5, epoch: 1, batchSize: 8, augment: 'none' as const, normalization: 'div256' as const };

describe('trainEpoch over chunks of an epoch', () => {
  beforeAll(async () => {
    await initTestBackend();
  });

  it('R chunks in a row equal one whole epoch, bit for bit', async () => {
    const t = await Trainer.create({ spec, threads: 2, batchSize: 8 });
    try {
      const w0 = initialWeights(spec, 5);
      const whole = await t.trainEpoch({ ...common, weights: w0 });
      expect(whole.adam.step).toBe(9); // ceil(70 / 8)
      const cuts = [0, 2, 3, 7, 9];
      let state = { weights: w0, adam: undefined as undefined | typeof whole.adam };
      let samples = 0;
      for (let c = 0; c + 1 < cuts.length; c++) {
        const r = await t.trainEpoch({ ...common, weights: state.weights, ...(state.adam ? { adam: state.adam } : {}), startStep: cuts[c], endStep: cuts[c + 1] });
        expect(r.adam.step).toBe(cuts[c + 1]);
        samples += r.samples;
        state = { weights: r.weights, adam: r.adam };
      }
      expect(samples).toBe(70);
      expect(Array.from(state.weights)).toEqual(Array.from(whole.weights));
      expect(Array.from(state.adam!.m)).toEqual(Array.from(whole.adam.m));
      // A chunk that starts elsewhere is a different trajectory (the test can fail).
      const skewed = await t.trainEpoch({ ...common, weights: w0, startStep: 1 });
      expect(Array.from(skewed.weights)).not.toEqual(Array.from(whole.weights));
    } finally {
      await t.close();
    }
  });
});
