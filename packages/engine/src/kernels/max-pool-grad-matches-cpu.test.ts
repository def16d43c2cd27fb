import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorpool/core';
import { TOLERANCE, compareWithCpu, kernel, randomValues, setupWasm } from './compare.test-util.js';
import { simdRoute } from './simd-module.js';

/**
 * Our MaxPoolGrad on wasm vs cpu, including windows whose values are all
 * negative (the stock wasm kernel drops their gradient) and overlapping windows.
 * 2x2 / stride 2 / valid runs in the SIMD kernel (wasm/max-pool-grad.c) and,
 * with simdRoute off, in JS: both on odd sizes (a last row / column no window
 * covers), channel counts not multiples of 4, batch 1, a 2x2 input, ties
 * (values rounded to a few levels: the first max wins) and -inf windows.
 */
interface Case { n: number; h: number; w: number; c: number; f: [number, number]; s: [number, number]; pad: 'same' | 'valid'; ties?: boolean }

const cases: Case[] = [
  { n: 2, h: 8, w: 8, c: 3, f: [2, 2], s: [2, 2], pad: 'valid' },
  { n: 1, h: 7, w: 9, c: 2, f: [2, 2], s: [2, 2], pad: 'valid' },
  { n: 1, h: 7, w: 9, c: 2, f: [2, 2], s: [2, 2], pad: 'same' },
  { n: 2, h: 9, w: 6, c: 4, f: [3, 3], s: [2, 2], pad: 'same' }, // overlapping windows accumulate
  { n: 1, h: 10, w: 5, c: 1, f: [3, 2], s: [1, 2], pad: 'valid' },
  { n: 3, h: 5, w: 7, c: 9, f: [2, 2], s: [2, 2], pad: 'valid', ties: true },
  { n: 1, h: 2, w: 2, c: 5, f: [2, 2], s: [2, 2], pad: 'valid', ties: true },
  { n: 2, h: 6, w: 6, c: 8, f: [2, 2], s: [2, 2], pad: 'valid', ties: true },
];

/** x in [-1, 1), or rounded to {-1, -0.5, 0, 0.5} with some -inf (ties, empty windows). */
function input(c: Case, seed: number): Float32Array {
  const x = randomValues(new Random(seed), c.n * c.h * c.w * c.c);
  if (c.ties) for (let i = 0; i < x.length; i++) x[i] = i % 13 === 0 ? -Infinity : Math.floor(x[i] * 2) / 2;
  return x;
}

describe('MaxPoolGrad on wasm matches cpu', () => {
  beforeAll(setupWasm);

  for (const [i, c] of cases.entries()) for (const simd of [true, false]) {
    it(`for ${JSON.stringify(c)}, simd route ${simd}`, async () => {
      const x = input(c, 40 + i);
      simdRoute.enabled = simd;
      const r = await compareWithCpu(() => {
        const xt = tf.tensor4d(x, [c.n, c.h, c.w, c.c]);
        const y = tf.maxPool(xt, c.f, c.s, c.pad);
        const dy = tf.tensor4d(randomValues(new Random(90 + i), y.size), y.shape as [number, number, number, number]);
        return kernel('MaxPoolGrad', { dy, input: xt, output: y }, { filterSize: c.f, strides: c.s, pad: c.pad });
      }).finally(() => { simdRoute.enabled = true; });
      expect(r.shape).toEqual([c.n, c.h, c.w, c.c]);
      expect(r.err).toBeLessThan(TOLERANCE);
    });
  }
});
