import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorpool/core';
import type { ConvCase } from './conv-cases.test-util.js';
import { TOLERANCE, compareWithCpu, kernel, randomValues, setupWasm } from './compare.test-util.js';
import { simdRoute } from './simd-module.js';

/**
 * Conv2DBackpropFilter at stride 1 through our WebAssembly SIMD kernel
 * (wasm/conv-filter-grad.c) vs the cpu backend, relative error < TOLERANCE
 * (1e-4 of max(1, max|ref|)). Shapes hit every tail of the kernel: 1x1 filters
 * and inputs, 1-pixel borders, batch 1, channels not a multiple of 4 (C) or 8 (Co).
 */
const cases: ConvCase[] = [
  { n: 1, h: 1, w: 1, cin: 1, cout: 1, kh: 1, kw: 1, s: [1, 1], pad: 'valid' },
  { n: 1, h: 1, w: 1, cin: 5, cout: 9, kh: 3, kw: 3, s: [1, 1], pad: 'same' },
  { n: 1, h: 3, w: 3, cin: 4, cout: 8, kh: 3, kw: 3, s: [1, 1], pad: 'valid' },
  { n: 2, h: 7, w: 5, cin: 3, cout: 32, kh: 3, kw: 3, s: [1, 1], pad: 'same' },
  { n: 3, h: 6, w: 9, cin: 7, cout: 13, kh: 3, kw: 3, s: [1, 1], pad: 'same' },
  { n: 1, h: 9, w: 8, cin: 33, cout: 17, kh: 3, kw: 3, s: [1, 1], pad: 'valid' },
  { n: 2, h: 5, w: 11, cin: 6, cout: 8, kh: 2, kw: 3, s: [1, 1], pad: 'same' },
  { n: 1, h: 6, w: 6, cin: 2, cout: 3, kh: 3, kw: 3, s: [1, 1], pad: [[0, 0], [1, 0], [0, 1], [0, 0]] },
];

function run(c: ConvCase, seed: number) {
  const rng = new Random(seed);
  const x = randomValues(rng, c.n * c.h * c.w * c.cin);
  const filterShape: [number, number, number, number] = [c.kh, c.kw, c.cin, c.cout];
  const info = tf.backend_util.computeConv2DInfo([c.n, c.h, c.w, c.cin], filterShape, c.s, 1, c.pad);
  const dy = randomValues(rng, c.n * info.outHeight * info.outWidth * c.cout);
  return compareWithCpu(() =>
    kernel('Conv2DBackpropFilter', { x: tf.tensor4d(x, [c.n, c.h, c.w, c.cin]), dy: tf.tensor4d(dy, [c.n, info.outHeight, info.outWidth, c.cout]) },
      { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape }));
}

describe('Conv2DBackpropFilter through the SIMD kernel matches cpu', () => {
  beforeAll(setupWasm);

  it('on odd shapes: 1x1, 1-pixel borders, batch 1, channels not a multiple of 4 or 8', async () => {
    expect(simdRoute.enabled).toBe(true);
    for (const [i, c] of cases.entries()) {
      const r = await run(c, 900 + i);
      expect(r.shape).toEqual([c.kh, c.kw, c.cin, c.cout]);
      expect(r.err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
  });
});
