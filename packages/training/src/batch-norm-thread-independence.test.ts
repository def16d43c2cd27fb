/**
 * BatchNormalization's batch statistics are summed over the whole global batch
 * (./batch-exchange.ts), not per thread: 2 optimizer steps on 1 and 2 threads
 * give the weights of the whole-batch reference (one Replica, this process)
 * within 1e-4 relative error, moving statistics included (per-thread variances
 * would shrink them). A model with BatchNormalization refuses more
 * micro-batches than threads (its parts must all run at once).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initialWeights, movingEntries, weightManifest, type ModelSpec } from '@tensorpool/engine';
import { Trainer } from './trainer.js';
import { initTestBackend, parallelRun, referenceRun, relativeError, syntheticSet, tinySpec } from './fixtures.test-util.js';

/** tinySpec with a BatchNormalization between each conv and its ReLU, and after the hidden dense. */
function bnSpec(): ModelSpec {
  const base = tinySpec(false);
  const layers = base.layers.flatMap((l, i) => (l.type !== 'activation' || l.activation !== 'relu' ? [l] : [{ type: 'batchNormalization' as const, ...(i > 6 ? { momentum: 0.9 } : {}) }, l]));
  return { ...base, name: 'tiny-bn', layers };
}

const spec = bnSpec();
const set = syntheticSet(64); // batch 32: 2 steps
const SEED = 3;
const moving = movingEntries(weightManifest(spec));
const movingOf = (w: Float32Array) => Float32Array.from(moving.flatMap((e) => Array.from(w.subarray(e.offset, e.offset + e.size))));

describe('BatchNormalization statistics do not depend on the thread count', () => {
  let backend = '';
  let ref: Float32Array;
  beforeAll(async () => {
    backend = await initTestBackend();
    ref = referenceRun(spec, set, SEED, 32, 1);
  });

  it('the spec has three BatchNormalization layers and the run moves their statistics', () => {
    expect(moving).toHaveLength(6);
    expect(relativeError(movingOf(initialWeights(spec, SEED)), movingOf(ref))).toBeGreaterThan(1e-3);
  });

  it.each([1, 2])('%i thread(s): 2 steps match the whole-batch reference within 1e-4 (moving statistics too)', async (threads) => {
    const w = await parallelRun(spec, set, SEED, 32, 1, threads, backend);
    expect(relativeError(w, ref)).toBeLessThan(1e-4);
    expect(relativeError(movingOf(w), movingOf(ref))).toBeLessThan(1e-5);
  });

  it('refuses more micro-batches than threads', async () => {
    await expect(Trainer.create({ spec, threads: 1, batchSize: 32, microBatches: 2, backend: 'cpu' })).rejects.toThrow(/microBatches \(2\) must not exceed threads \(1\)/);
  });
});
