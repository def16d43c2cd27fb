import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorpool/core';
import { TOLERANCE, compareWithCpu, randomValues, setupWasm } from './compare.test-util.js';
import { planMatMul } from './batch-matmul.js';

/** Our BatchMatMul (direct or swapped rewrite of transposed operands) on wasm vs cpu. */
describe('BatchMatMul on wasm matches cpu', () => {
  beforeAll(setupWasm);

  it('for every transpose combination, both rewrites, odd sizes and batch-1 rows', async () => {
    // [M, K, N]: shapes that pick 'direct' for some flags and 'swapped' for others
    const shapes: [number, number, number][] = [[1, 7, 5], [3, 5, 400], [400, 3, 5], [17, 33, 9], [5, 300, 2], [2, 9, 301]];
    const rng = new Random(11);
    const variants = new Set<string>();
    for (const [M, K, N] of shapes) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          variants.add(planMatMul(M, K, N, tA, tB).variant);
          const a = randomValues(rng, M * K), b = randomValues(rng, K * N);
          const r = await compareWithCpu(() =>
            tf.matMul(tf.tensor2d(a, tA ? [K, M] : [M, K]), tf.tensor2d(b, tB ? [N, K] : [K, N]), tA, tB));
          expect(r.shape).toEqual([M, N]);
          expect(r.err, `M=${M} K=${K} N=${N} tA=${tA} tB=${tB}`).toBeLessThan(TOLERANCE);
        }
      }
    }
    expect([...variants].sort()).toEqual(['direct', 'swapped']);
  });

  it('for batched (rank-3) operands, which go to the stock kernel', async () => {
    const rng = new Random(12);
    const a = randomValues(rng, 3 * 4 * 5), b = randomValues(rng, 3 * 6 * 5);
    const r = await compareWithCpu(() => tf.matMul(tf.tensor3d(a, [3, 4, 5]), tf.tensor3d(b, [3, 6, 5]), false, true));
    expect(r.shape).toEqual([3, 4, 6]);
    expect(r.err).toBeLessThan(TOLERANCE);
  });

  it('plans the seed dense layer without transposing or packing its [33856, 512] kernel in backward', () => {
    expect(planMatMul(16, 33856, 512, false, false).variant).toBe('swapped'); // forward: W^T on the left
    expect(planMatMul(16, 512, 33856, false, true).variant).toBe('swapped'); // dx = dy W^T as (W dy^T)^T
    expect(planMatMul(33856, 16, 512, true, false).variant).toBe('direct'); // dW = x^T dy
  });
});
