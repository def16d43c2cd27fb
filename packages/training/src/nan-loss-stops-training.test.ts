/**
 * A non-finite loss stops training with a TrainingError naming the epoch and
 * step, before the optimizer applies the bad gradient.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainingError } from '@tensorpool/core';
import { initialWeights } from '@tensorpool/engine';
import { Trainer } from './trainer.js';
import { initTestBackend, syntheticSet, tinySpec } from './fixtures.test-util.js';

describe('NaN loss', () => {
  beforeAll(async () => {
    await initTestBackend();
  });

  it('throws TrainingError with epoch and step, leaving the weights untouched', async () => {
    const spec = tinySpec(false);
    const trainer = await Trainer.create({ spec, threads: 2, batchSize: 16 });
    try {
      const w = initialWeights(spec, 1);
      w[w.length - 1] = NaN; // last bias: every logit of class 2 is NaN
      trainer.setWeights(w);
      const err = await trainer
        .runEpoch({ train: syntheticSet(48), epoch: 2, seed: 1, batchSize: 16, augment: 'none', normalization: 'div256' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TrainingError);
      expect((err as Error).message).toMatch(/loss is NaN at epoch 3 step 1/);
      expect(trainer.adamStep).toBe(0);
      expect(trainer.getWeights()[0]).toBe(w[0]);
    } finally {
      await trainer.close();
    }
  });
});
