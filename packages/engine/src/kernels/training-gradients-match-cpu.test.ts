import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorpool/core';
import { TOLERANCE, randomValues, relErr, runOn, setupWasm } from './compare.test-util.js';

/**
 * All our kernels together: gradients of a small seed-shaped network
 * (conv same, conv valid, maxPool, conv same, conv valid, maxPool, dense relu,
 * dense, summed softmax cross-entropy) on wasm equal the cpu backend's.
 */
describe('training gradients on wasm match cpu', () => {
  beforeAll(setupWasm);

  it('for every weight of a small seed-shaped network, batch 3, 14x13x3 input', async () => {
    const rng = new Random(31);
    const [n, h, w, c, classes] = [3, 14, 13, 3, 4];
    const shapes: number[][] = [[3, 3, c, 4], [4], [3, 3, 4, 4], [4], [3, 3, 4, 6], [6], [3, 3, 6, 6], [6], [2 * 1 * 6, 8], [8], [8, classes], [classes]];
    const values = shapes.map((s) => randomValues(rng, s.reduce((a, b) => a * b, 1)).map((v) => v * 0.5));
    const x = randomValues(rng, n * h * w * c);
    const labels = Array.from({ length: n }, (_, i) => i % classes);

    const gradOf = (which: number) => () => {
      const ws = values.map((v, i) => tf.tensor(v, shapes[i]));
      const loss = (...p: tf.Tensor[]) => {
        const conv = (t: tf.Tensor4D, k: number, pad: 'same' | 'valid') =>
          tf.fused.conv2d({ x: t, filter: p[k] as tf.Tensor4D, strides: 1, pad, bias: p[k + 1], activation: 'relu' });
        let y = conv(tf.tensor4d(x, [n, h, w, c]), 0, 'same'); // [3,14,13,4]
        y = tf.maxPool(conv(y, 2, 'valid'), 2, 2, 'valid'); // [3,6,5,4]
        y = tf.maxPool(conv(conv(y, 4, 'same'), 6, 'valid'), 2, 2, 'valid'); // [3,2,1,6]
        const flat = tf.reshape(y, [n, -1]) as tf.Tensor2D;
        const d = tf.fused.matMul({ a: flat, b: p[8] as tf.Tensor2D, bias: p[9], activation: 'relu' });
        const logits = tf.fused.matMul({ a: d, b: p[10] as tf.Tensor2D, bias: p[11] });
        return tf.neg(tf.sum(tf.mul(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), tf.logSoftmax(logits))));
      };
      return tf.grads(loss)(ws)[which];
    };
    for (let k = 0; k < shapes.length; k++) {
      const ref = await runOn('cpu', gradOf(k));
      const got = await runOn('wasm', gradOf(k));
      expect(got.shape).toEqual(shapes[k]);
      expect(Math.max(...ref.values.map(Math.abs)), `weight ${k} has a non-zero gradient`).toBeGreaterThan(0);
      expect(relErr(got.values, ref.values), `weight ${k}`).toBeLessThan(TOLERANCE);
    }
  });
});
