import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorpool/core';
import { TOLERANCE, compareWithCpu, kernel, randomValues, setupWasm } from './compare.test-util.js';

/**
 * Our MaxPoolGrad on wasm vs cpu, including windows whose values are all
 * negative (the stock wasm kernel drops their gradient) and overlapping windows.
 */
interface Case { n: number; h: number; w: number; c: number; f: [number, number]; s: [number, number]; pad: 'same' | 'valid' }

const cases: Case[] = [
  { n: 2, h: 8, w: 8, c: 3, f: [2, 2], s: [2, 2], pad: 'valid' },
  { n: 1, h: 7, w: 9, c: 2, f: [2, 2], s: [2, 2], pad: 'valid' },
  { n: 1, h: 7, w: 9, c: 2, f: [2, 2], s: [2, 2], pad: 'same' },
  { n: 2, h: 9, w: 6, c: 4, f: [3, 3], s: [2, 2], pad: 'same' }, // overlapping windows accumulate
  { n: 1, h: 10, w: 5, c: 1, f: [3, 2], s: [1, 2], pad: 'valid' },
];

describe('MaxPoolGrad on wasm matches cpu', () => {
  beforeAll(setupWasm);

  for (const [i, c] of cases.entries()) {
    it(`for ${JSON.stringify(c)}`, async () => {
      const rng = new Random(40 + i);
      const x = randomValues(rng, c.n * c.h * c.w * c.c); // in [-1, 1): many all-negative windows
      const r = await compareWithCpu(() => {
        const xt = tf.tensor4d(x, [c.n, c.h, c.w, c.c]);
        const y = tf.maxPool(xt, c.f, c.s, c.pad);
        const dy = tf.tensor4d(randomValues(new Random(90 + i), y.size), y.shape as [number, number, number, number]);
        return kernel('MaxPoolGrad', { dy, input: xt, output: y }, { filterSize: c.f, strides: c.s, pad: c.pad });
      });
      expect(r.shape).toEqual([c.n, c.h, c.w, c.c]);
      expect(r.err).toBeLessThan(TOLERANCE);
    });
  }
});
