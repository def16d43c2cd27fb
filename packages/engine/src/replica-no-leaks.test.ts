import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import { Replica } from './replica.js';
import { initialWeights } from './init.js';
import { testBatch, tinySeedSpec } from './reference-net.test-util.js';

/** Steps of setWeights/gradients/predict/evaluate leave the tensor count unchanged; dispose frees everything. */
describe('Replica does not leak tensors', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('tensor count is stable over steps and returns to the start after dispose', () => {
    const spec = tinySeedSpec();
    const before = tf.memory().numTensors;
    const replica = new Replica(spec);
    const w = initialWeights(spec, 2);
    const g = new Float32Array(replica.manifest.total);
    const { x, labels } = testBatch(spec, 4, 1);
    const step = (k: number) => {
      replica.setWeights(w);
      replica.gradients(x, labels, 4, { training: k % 2 === 0, seed: 1, epoch: k, sampleIds: [0, 1, 2, 3] }, g);
      replica.predict(x, 4);
      replica.evaluate(x, labels, 4);
      for (let i = 0; i < w.length; i++) w[i] -= 1e-3 * g[i];
    };
    step(0);
    const afterFirst = tf.memory().numTensors;
    expect(afterFirst).toBe(before + replica.manifest.entries.length);
    for (let k = 1; k < 4; k++) step(k);
    expect(tf.memory().numTensors).toBe(afterFirst);
    // In-place writes land in the variables: what we set is what we read back.
    replica.setWeights(w);
    expect(replica.getWeights()).toEqual(w);
    expect(tf.memory().numTensors).toBe(afterFirst);
    replica.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
