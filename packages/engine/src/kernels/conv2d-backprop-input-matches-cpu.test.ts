import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorpool/core';
import { FIXED_CONV_CASES, SIMD_ODD_CASES, randomConvCase, type ConvCase } from './conv-cases.test-util.js';
import { simdRoute } from './simd-module.js';
import { TOLERANCE, compareWithCpu, kernel, randomValues, setupWasm } from './compare.test-util.js';

/** Our Conv2D-based Conv2DBackpropInput on wasm vs the cpu backend. */
const fixed: ConvCase[] = [
  ...FIXED_CONV_CASES,
  // explicit padding wider than the filter: served by the stock kernel, still exact
  { n: 1, h: 5, w: 5, cin: 2, cout: 3, kh: 2, kw: 2, s: [1, 1], pad: [[0, 0], [3, 1], [0, 2], [0, 0]] },
];

const randomCase = (rng: Random): ConvCase => randomConvCase(rng, 5);

function run(c: ConvCase, seed: number) {
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

  it('at stride 1 through our SIMD kernel (the default) and, with it off, through XNNPACK, on odd shapes', async () => {
    expect(simdRoute.enabled).toBe(true);
    for (const on of [true, false]) {
      simdRoute.enabled = on;
      try {
        for (const [i, c] of SIMD_ODD_CASES.entries()) {
          const r = await run(c, 800 + i);
          expect(r.shape).toEqual([c.n, c.h, c.w, c.cin]);
          expect(r.err, `${JSON.stringify(c)} simd=${on}`).toBeLessThan(TOLERANCE);
        }
      } finally {
        simdRoute.enabled = true;
      }
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
