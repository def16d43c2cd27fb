import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { markWrittenInPlace } from './in-place.js';
import { setupWasm } from './compare.test-util.js';

/**
 * XNNPACK caches packed weights per tensor id: after an in-place write the
 * stock Conv2D and MatMul still compute with the old values, until
 * markWrittenInPlace drops the cached operators.
 */
describe('markWrittenInPlace', () => {
  beforeAll(setupWasm);

  it('makes Conv2D and MatMul see weights overwritten in place', async () => {
    await tf.setBackend('wasm');
    const heap = (t: tf.Tensor) => (tf.backend() as unknown as BackendWasm).typedArrayFromHeap(t) as Float32Array;
    const x = tf.ones([1, 4, 4, 2]) as tf.Tensor4D;
    const filter = tf.variable(tf.fill([3, 3, 2, 3], 0.5)) as tf.Variable<tf.Rank.R4>;
    const a = tf.ones([2, 8]) as tf.Tensor2D;
    const w = tf.variable(tf.fill([8, 4], 0.5)) as tf.Variable<tf.Rank.R2>;
    // first calls create (and cache) the XNNPACK operators
    expect(tf.max(tf.conv2d(x, filter, 1, 'same')).dataSync()[0]).toBeCloseTo(9, 5);
    expect(tf.max(tf.matMul(a, w)).dataSync()[0]).toBeCloseTo(4, 5);

    heap(filter).fill(1);
    heap(w).fill(1);
    // stale: proves the hazard exists (if tfjs ever stops caching, this documents it)
    expect(tf.max(tf.conv2d(x, filter, 1, 'same')).dataSync()[0]).toBeCloseTo(9, 5);

    markWrittenInPlace(filter, w);
    expect(tf.max(tf.conv2d(x, filter, 1, 'same')).dataSync()[0]).toBeCloseTo(18, 5);
    expect(tf.max(tf.matMul(a, w)).dataSync()[0]).toBeCloseTo(8, 5);
    tf.dispose([x, filter, a, w]);
  });
});
