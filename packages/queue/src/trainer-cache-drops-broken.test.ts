/**
 * A trainer whose gradient thread failed during a shard is not handed to the
 * next shard: the cache closes it on release and builds a new one.
 */
import { describe, expect, it } from 'vitest';
import { initialWeights, type ModelSpec } from '@tensorpool/engine';
import type { ImageSet } from '@tensorpool/data';
import { TrainerCache } from './trainers.js';

const spec: ModelSpec = {
  name: 'cache-tiny', inputShape: [8, 8, 1], labels: ['a', 'b'],
  layers: [{ type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }],
};

function set(n: number): ImageSet {
  const images = new Uint8Array(new SharedArrayBuffer(n * 64)).map((_, i) => (i * 37) % 256);
  const labels = new Uint8Array(new SharedArrayBuffer(n)).map((_, i) => i % 2);
  return { images, labels, n, shape: [8, 8, 1], classes: ['a', 'b'] };
}

describe('TrainerCache', () => {
  it('drops a trainer broken by a thread failure and builds a fresh one', { timeout: 60_000 }, async () => {
    const cache = new TrainerCache();
    const key = { spec, batchSize: 8, learningRate: 0.01, threads: 2 };
    try {
      const a = await cache.acquire(key);
      const opts = { train: set(32), weights: initialWeights(spec, 1), epoch: 0, seed: 1, batchSize: 8, augment: 'none' as const, normalization: 'div256' as const };
      await expect(a.trainer.trainEpoch({ ...opts, testFault: { step: 2, how: 'exit' } })).rejects.toThrow(/gradient thread failed at epoch 1 step 2/);
      a.release();
      const b = await cache.acquire(key);
      expect(b.trainer).not.toBe(a.trainer);
      expect(cache.liveCount()).toBe(1);
      const r = await b.trainer.trainEpoch(opts);
      expect(r.samples).toBe(32);
      b.release();
      // A healthy trainer is reused.
      const c = await cache.acquire(key);
      expect(c.trainer).toBe(b.trainer);
      c.release();
    } finally {
      await cache.close();
    }
  });
});
