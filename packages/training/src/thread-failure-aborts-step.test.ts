/**
 * A gradient thread that dies or throws in the middle of a fused step (while
 * the other thread waits at the shared-memory barrier) fails the epoch at
 * once: the waiting thread is released (the rejection only comes after every
 * task of the step settled, and the barrier's own timeout is 10 minutes), the
 * step is not counted, and the trainer refuses further work.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainingError } from '@tensorpool/core';
import { initialWeights } from '@tensorpool/engine';
import { Trainer } from './trainer.js';
import { initTestBackend, syntheticSet, tinySpec } from './fixtures.test-util.js';

describe('a gradient thread failing mid-step', () => {
  beforeAll(async () => {
    await initTestBackend();
  });

  for (const how of ['throw', 'exit'] as const) {
    it(`(${how}) rejects the epoch, releases the barrier, and breaks the trainer`, { timeout: 60_000 }, async () => {
      const spec = tinySpec(false);
      const trainer = await Trainer.create({ spec, threads: 2, batchSize: 16 });
      try {
        const set = syntheticSet(96);
        const steps: number[] = [];
        const err = await trainer
          .trainEpoch({
            train: set, weights: initialWeights(spec, 3), epoch: 0, seed: 3, batchSize: 16, augment: 'none', normalization: 'div256',
            onProgress: (p) => void steps.push(p.step),
            testFault: { step: 3, how },
          })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TrainingError);
        expect((err as Error).message).toMatch(/gradient thread failed at epoch 1 step 3: /);
        expect((err as Error).message).toMatch(how === 'throw' ? /test fault: gradient task 1 failed on purpose/ : /worker exited with code: 1/);
        // Steps 1 and 2 were taken; step 3 is not counted.
        expect(steps).toEqual([1, 2]);
        expect(trainer.adamStep).toBe(2);
        expect(trainer.healthy).toBe(false);
        const again = await trainer
          .runEpoch({ train: set, epoch: 0, seed: 3, batchSize: 16, augment: 'none', normalization: 'div256' })
          .catch((e: unknown) => e);
        expect((again as Error).message).toMatch(/this Trainer is broken \(a gradient thread failed at epoch 1 step 3/);
      } finally {
        await trainer.close();
      }
    });
  }

  it('leaves a trainer without the hook untouched (healthy after a full epoch)', async () => {
    const spec = tinySpec(false);
    const trainer = await Trainer.create({ spec, threads: 2, batchSize: 16 });
    try {
      await trainer.trainEpoch({ train: syntheticSet(48), weights: initialWeights(spec, 3), epoch: 0, seed: 3, batchSize: 16, augment: 'none', normalization: 'div256' });
      expect(trainer.adamStep).toBe(3);
      expect(trainer.healthy).toBe(true);
    } finally {
      await trainer.close();
    }
  });
});
