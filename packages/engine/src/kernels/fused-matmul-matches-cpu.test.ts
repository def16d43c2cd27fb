import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorpool/core';
import { TOLERANCE, compareWithCpu, randomValues, setupWasm } from './compare.test-util.js';

/** Our _FusedMatMul (planned product + bias + activation) on wasm vs cpu, forward and gradients. */
describe('fused matMul on wasm matches cpu', () => {
  beforeAll(setupWasm);
  const acts = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const;

  it('for each activation, with and without bias and transposes', async () => {
    const rng = new Random(21);
    for (const [i, activation] of acts.entries()) {
      const [M, K, N] = [3 + i, 40 + 7 * i, 300 - 13 * i];
      const tA = i % 2 === 1, tB = i % 3 === 1;
      const a = randomValues(rng, M * K), b = randomValues(rng, K * N), bias = randomValues(rng, N);
      for (const withBias of [true, false]) {
        const r = await compareWithCpu(() => tf.fused.matMul({
          a: tf.tensor2d(a, tA ? [K, M] : [M, K]), b: tf.tensor2d(b, tB ? [N, K] : [K, N]), transposeA: tA, transposeB: tB,
          bias: withBias ? tf.tensor1d(bias) : undefined, activation, leakyreluAlpha: 0.1,
        }));
        expect(r.shape).toEqual([M, N]);
        expect(r.err, `${activation} bias=${withBias}`).toBeLessThan(TOLERANCE);
      }
    }
  });

  it('in the gradients of a dense layer with relu (kernel, bias, input)', async () => {
    const rng = new Random(22);
    const [M, K, N] = [5, 333, 17];
    const x = randomValues(rng, M * K), w = randomValues(rng, K * N), bias = randomValues(rng, N);
    for (const which of [0, 1, 2]) {
      const r = await compareWithCpu(() => {
        const g = tf.grads((xt: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) =>
          tf.sum(tf.square(tf.fused.matMul({ a: xt as tf.Tensor2D, b: wt as tf.Tensor2D, bias: bt, activation: 'relu' }))));
        return g([tf.tensor2d(x, [M, K]), tf.tensor2d(w, [K, N]), tf.tensor1d(bias)])[which];
      });
      expect(r.err, `gradient ${which}`).toBeLessThan(TOLERANCE);
    }
  });
});
