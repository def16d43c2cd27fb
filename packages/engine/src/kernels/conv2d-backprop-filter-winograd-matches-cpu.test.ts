import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorpool/core';
import { SIMD_ODD_CASES, type ConvCase } from './conv-cases.test-util.js';
import { TOLERANCE, compareWithCpu, kernel, randomValues, setupWasm } from './compare.test-util.js';
import { simdRoute } from './simd-module.js';

/**
 * The 3x3 stride-1 filter gradient in the Winograd F(4x4, 3x3) domain
 * (wasm/winograd-filter-grad.c) vs the cpu backend, relative error <
 * TOLERANCE (1e-4 of max(1, max|ref|)). minWinogradChannels is lowered to 1
 * so every 3x3 case takes it: 1x1 and 2x2 inputs, outputs of every size mod 4
 * (partial tiles), 1-pixel borders, batch 1, channel counts not multiples of
 * 4 or 8, explicit padding, samples grouped into one block (small outputs,
 * n > 1, the last group short) and one sample over several blocks (26x26),
 * the fashion-mnist layer shapes.
 */
const CASES: ConvCase[] = [
  ...SIMD_ODD_CASES.filter((c) => c.kh === 3 && c.kw === 3),
  { n: 1, h: 2, w: 2, cin: 3, cout: 5, kh: 3, kw: 3, s: [1, 1], pad: 'same' },
  { n: 5, h: 6, w: 5, cin: 8, cout: 16, kh: 3, kw: 3, s: [1, 1], pad: 'same' },
  { n: 3, h: 13, w: 13, cin: 32, cout: 64, kh: 3, kw: 3, s: [1, 1], pad: 'same' },
  { n: 1, h: 13, w: 13, cin: 64, cout: 64, kh: 3, kw: 3, s: [1, 1], pad: 'valid' },
  { n: 1, h: 28, w: 28, cin: 32, cout: 32, kh: 3, kw: 3, s: [1, 1], pad: 'valid' },
  { n: 3, h: 10, w: 7, cin: 35, cout: 31, kh: 3, kw: 3, s: [1, 1], pad: 'valid' },
  { n: 1, h: 6, w: 12, cin: 9, cout: 4, kh: 3, kw: 3, s: [1, 1], pad: [[0, 0], [0, 1], [1, 0], [0, 0]] },
];

function filterGrad(c: ConvCase, seed: number) {
  const rng = new Random(seed);
  const xShape: [number, number, number, number] = [c.n, c.h, c.w, c.cin];
  const filterShape: [number, number, number, number] = [3, 3, c.cin, c.cout];
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, 1, 1, c.pad);
  const dyShape: [number, number, number, number] = [c.n, info.outHeight, info.outWidth, c.cout];
  const x = randomValues(rng, tf.util.sizeFromShape(xShape)), dy = randomValues(rng, tf.util.sizeFromShape(dyShape));
  return compareWithCpu(() => kernel('Conv2DBackpropFilter', { x: tf.tensor4d(x, xShape), dy: tf.tensor4d(dy, dyShape) },
    { strides: 1, pad: c.pad, dataFormat: 'NHWC', filterShape }));
}

describe('3x3 stride-1 filter gradient in the Winograd F(4x4, 3x3) domain matches cpu', () => {
  const saved = { ...simdRoute };
  beforeAll(async () => {
    await setupWasm();
    Object.assign(simdRoute, { enabled: true, winograd: true, winogradFilterGrad: true, minWinogradChannels: 1 });
  });
  afterAll(() => { Object.assign(simdRoute, saved); });

  it('on odd shapes, partial tiles, grouped samples and the fashion-mnist layers', async () => {
    for (const [i, c] of CASES.entries()) {
      const r = await filterGrad(c, 970 + i);
      expect(r.shape, JSON.stringify(c)).toEqual([3, 3, c.cin, c.cout]);
      expect(r.err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
  });
});
