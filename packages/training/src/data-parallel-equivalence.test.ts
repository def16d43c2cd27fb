/**
 * Synchronous data parallelism changes nothing but speed: k steps over 1, 2
 * and 4 threads give the weights of a single-thread reference (one Replica
 * over the whole global batch + adamUpdate, in this process) within 1e-4
 * relative error (||w - w_ref|| / ||w_ref||; only summation order differs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAM_DEFAULTS, Replica, adamUpdate, initialWeights, weightManifest } from '@tensorpool/engine';
import { gatherNormalize } from '@tensorpool/preprocessing';
import { Trainer } from './trainer.js';
import { initTestBackend, relativeError, syntheticSet, tinySpec } from './fixtures.test-util.js';

const spec = tinySpec(false);
const set = syntheticSet(120); // batch 32: steps of 32, 32, 32, 24
const SEED = 5;
const BATCH = 32;
let backend = '';

/** The same epoch, the plain way: whole batch on one replica, mean gradient, Adam. */
function reference(epochs: number): Float32Array {
  const replica = new Replica(spec);
  const total = weightManifest(spec).total;
  const w = initialWeights(spec, SEED);
  const m = new Float32Array(total);
  const v = new Float32Array(total);
  const g = new Float32Array(total);
  let t = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = Trainer.epochSamples(set.n, undefined, SEED, epoch);
    for (let s = 0; s < order.length; s += BATCH) {
      const idx = order.subarray(s, s + BATCH);
      const x = new Float32Array(idx.length * 144);
      gatherNormalize(set.images, idx, x, set.shape, 'div256');
      const labels = Array.from(idx, (i) => set.labels[i]);
      replica.setWeights(w);
      replica.gradients(x, labels, idx.length, { training: true, seed: SEED, epoch, sampleIds: idx }, g);
      const scale = 1 / idx.length;
      for (let i = 0; i < total; i++) g[i] *= scale;
      adamUpdate(w, g, m, v, ++t, ADAM_DEFAULTS);
    }
  }
  replica.dispose();
  return w;
}

async function parallel(threads: number, epochs: number): Promise<Float32Array> {
  const trainer = await Trainer.create({ spec, threads, batchSize: BATCH, backend: backend as 'wasm' | 'cpu' });
  try {
    trainer.setWeights(initialWeights(spec, SEED));
    for (let epoch = 0; epoch < epochs; epoch++) {
      await trainer.runEpoch({ train: set, epoch, seed: SEED, batchSize: BATCH, augment: 'none', normalization: 'div256' });
    }
    expect(trainer.adamStep).toBe(4 * epochs);
    return trainer.getWeights();
  } finally {
    await trainer.close();
  }
}

describe('data-parallel training equals single-thread training (dropout off)', () => {
  let ref: Float32Array;
  beforeAll(async () => {
    backend = await initTestBackend();
    ref = reference(2);
  });
  afterAll(() => undefined);

  it.each([1, 2, 4])('%i thread(s): 8 steps match the reference within 1e-4', async (threads) => {
    const w = await parallel(threads, 2);
    const init = initialWeights(spec, SEED);
    // The run really moved the weights, so agreement is not trivial.
    expect(relativeError(init, ref)).toBeGreaterThan(1e-3);
    expect(relativeError(w, ref)).toBeLessThan(1e-4);
  });
});
