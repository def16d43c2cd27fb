import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorpool/core';
import { TOLERANCE, compareWithCpu, kernel, randomValues, setupWasm } from './compare.test-util.js';

/** Our Conv2D-based Conv2DBackpropInput on wasm vs the cpu backend. */
type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case { n: number; h: number; w: number; cin: number; cout: number; kh: number; kw: number; s: [number, number]; pad: Pad }

const fixed: Case[] = [
  { n: 1, h: 7, w: 7, cin: 3, cout: 4, kh: 3, kw: 3, s: [1, 1], pad: 'same' },
  { n: 2, h: 9, w: 6, cin: 2, cout: 5, kh: 3, kw: 2, s: [1, 1], pad: 'valid' },
  { n: 1, h: 8, w: 11, cin: 3, cout: 2, kh: 2, kw: 3, s: [2, 2], pad: 'same' },
  { n: 3, h: 10, w: 7, cin: 1, cout: 3, kh: 3, kw: 3, s: [2, 2], pad: 'valid' },
  { n: 2, h: 9, w: 9, cin: 4, cout: 3, kh: 5, kw: 1, s: [2, 1], pad: 'same' },
  { n: 1, h: 6, w: 6, cin: 2, cout: 2, kh: 1, kw: 1, s: [3, 3], pad: 'valid' },
  // explicit padding wider than the filter: served by the stock kernel, still exact
  { n: 1, h: 5, w: 5, cin: 2, cout: 3, kh: 2, kw: 2, s: [1, 1], pad: [[0, 0], [3, 1], [0, 2], [0, 0]] },
];

function randomCase(rng: Random): Case {
  const kh = 1 + rng.int(4), kw = 1 + rng.int(4);
  return {
    n: 1 + rng.int(3), h: kh + rng.int(8), w: kw + rng.int(8), cin: 1 + rng.int(5), cout: 1 + rng.int(6), kh, kw,
    s: [1 + rng.int(3), 1 + rng.int(3)], pad: rng.int(2) ? 'same' : 'valid',
  };
}

function run(c: Case, seed: number) {
  const rng = new Random(seed);
  const inputShape: [number, number, number, number] = [c.n, c.h, c.w, c.cin];
  const info = tf.backend_util.computeConv2DInfo(inputShape, [c.kh, c.kw, c.cin, c.cout], c.s, 1, c.pad);
  const dyShape: [number, number, number, number] = [c.n, info.outHeight, info.outWidth, c.cout];
  const dy = randomValues(rng, tf.util.sizeFromShape(dyShape));
  const filter = randomValues(rng, c.kh * c.kw * c.cin * c.cout);
  return compareWithCpu(() =>
    kernel('Conv2DBackpropInput', { dy: tf.tensor4d(dy, dyShape), filter: tf.tensor4d(filter, [c.kh, c.kw, c.cin, c.cout]) },
      { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape }));
}

describe('Conv2DBackpropInput on wasm matches cpu', () => {
  beforeAll(setupWasm);

  it('on fixed shapes: batch 1, strides 2, same/valid/explicit, non-square kernels and inputs', async () => {
    for (const [i, c] of fixed.entries()) {
      const r = await run(c, 100 + i);
      expect(r.shape).toEqual([c.n, c.h, c.w, c.cin]);
      expect(r.err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
  });

  it('on 20 random shapes', async () => {
    const rng = new Random(8);
    for (let i = 0; i < 20; i++) {
      const c = randomCase(rng);
      expect((await run(c, 200 + i)).err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
  });
});
