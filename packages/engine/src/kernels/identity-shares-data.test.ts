import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { setupWasm } from './compare.test-util.js';

/** Our copy-free Identity: clones keep their values when either side is disposed, and free memory once both are. */
describe('Identity on wasm shares data by reference count', () => {
  beforeAll(setupWasm);

  it('keeps the clone alive after the original is disposed and frees both', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numDataBuffers;
    const a = tf.tensor1d([1, 2, 3, 4]);
    const b = tf.clone(a);
    expect(tf.memory().numDataBuffers - before).toBe(1); // one buffer for two tensors
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3, 4]);
    const c = tf.add(b, 1);
    b.dispose();
    expect(Array.from(c.dataSync())).toEqual([2, 3, 4, 5]);
    c.dispose();
    expect(tf.memory().numDataBuffers).toBe(before);
  });

  it('shares for a Cast to the same dtype and converts for another dtype', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numDataBuffers;
    const a = tf.tensor1d([1.5, -2, 3]);
    const same = tf.cast(a, 'float32');
    expect(tf.memory().numDataBuffers - before).toBe(1);
    const ints = tf.cast(a, 'int32');
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3]);
    a.dispose();
    expect(Array.from(same.dataSync())).toEqual([1.5, -2, 3]);
    tf.dispose([same, ints]);
    expect(tf.memory().numDataBuffers).toBe(before);
  });
});
