import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { markWrittenInPlace } from './in-place.js';
import { registerTrainingKernels } from './register.js';
import { setupWasm } from './compare.test-util.js';
import { stock } from './wasm.js';

/**
 * XNNPACK caches packed weights per tensor id, so after an in-place write the
 * stock Conv2D still computes with the old values. Our kernels hand it fresh
 * operands (every kernel set); markWrittenInPlace fixes direct stock use.
 */
const heap = (t: tf.TensorInfo) => (tf.backend() as unknown as BackendWasm).typedArrayFromHeap(t) as Float32Array;
const maxOf = (t: tf.Tensor) => tf.max(t).dataSync()[0];

describe('weights written in place on wasm', () => {
  beforeAll(setupWasm);

  for (const set of ['all', 'missing-only'] as const) {
    it(`are seen by conv2d, fused conv2d, matMul and fused matMul (kernel set '${set}')`, async () => {
      await tf.setBackend('wasm');
      registerTrainingKernels(set);
      const x = tf.ones([1, 4, 4, 2]) as tf.Tensor4D;
      const filter = tf.variable(tf.fill([3, 3, 2, 3], 0.5)) as tf.Variable<tf.Rank.R4>;
      const bias = tf.variable(tf.fill([3], 0.5)) as tf.Variable<tf.Rank.R1>;
      const a = tf.ones([2, 8]) as tf.Tensor2D;
      const w = tf.variable(tf.fill([8, 4], 0.5)) as tf.Variable<tf.Rank.R2>;
      const wb = tf.variable(tf.fill([4], 0.5)) as tf.Variable<tf.Rank.R1>;
      const all = () => [
        maxOf(tf.conv2d(x, filter, 1, 'same')),
        maxOf(tf.fused.conv2d({ x, filter, strides: 1, pad: 'same', bias, activation: 'relu' })),
        maxOf(tf.matMul(a, w)),
        maxOf(tf.fused.matMul({ a, b: w, bias: wb, activation: 'relu' })),
      ];
      expect(all()).toEqual([9, 9.5, 4, 4.5]);
      for (const v of [filter, bias, w, wb]) heap(v).fill(1);
      expect(all()).toEqual([18, 19, 8, 9]);
      tf.dispose([x, filter, bias, a, w, wb]);
      registerTrainingKernels('all');
    });
  }

  it('are seen by the stock Conv2D after markWrittenInPlace', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as BackendWasm;
    const x = tf.ones([1, 4, 4, 2]);
    const filter = tf.variable(tf.fill([3, 3, 2, 3], 0.5));
    const conv = () => {
      const out = stock('Conv2D')({ inputs: { x, filter }, backend, attrs: { strides: 1, pad: 'same', dilations: 1, dataFormat: 'NHWC' } });
      const v = Math.max(...(backend.readSync(out.dataId) as Float32Array));
      backend.disposeData(out.dataId);
      return v;
    };
    expect(conv()).toBe(9);
    heap(filter).fill(1);
    expect(conv()).toBe(9); // stale: the hazard this guards against
    markWrittenInPlace(filter);
    expect(conv()).toBe(18);
    tf.dispose([x, filter]);
  });
});
