import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorpool/core';
import { FIXED_CONV_CASES, SIMD_ODD_CASES, randomConvCase, type ConvCase } from './conv-cases.test-util.js';
import { TOLERANCE, compareWithCpu, kernel, randomValues, setupWasm } from './compare.test-util.js';
import { convRoute, im2colLimits, wideIm2col } from './conv2d-backprop-filter.js';
import { simdRoute } from './simd-module.js';

/** Conv2DBackpropFilter on wasm (ours; stock wasm has none) vs the cpu backend. */
const fixed: ConvCase[] = [
  ...FIXED_CONV_CASES,
  // >= 8 input channels at stride 1: the conv route (and the wide im2col route with it off)
  { n: 2, h: 9, w: 7, cin: 9, cout: 5, kh: 3, kw: 3, s: [1, 1], pad: 'same' },
  { n: 1, h: 8, w: 10, cin: 12, cout: 3, kh: 2, kw: 3, s: [1, 1], pad: 'valid' },
  { n: 3, h: 5, w: 11, cin: 8, cout: 4, kh: 5, kw: 2, s: [1, 1], pad: 'same' },
];

const randomCase = (rng: Random): ConvCase => randomConvCase(rng, 12);

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

describe('Conv2DBackpropFilter on wasm matches cpu', () => {
  beforeAll(setupWasm);

  it('on fixed shapes: batch 1, strides 2, same/valid, non-square kernels and inputs', async () => {
    for (const [i, c] of fixed.entries()) {
      const r = await run(c, 100 + i);
      expect(r.shape).toEqual([c.kh, c.kw, c.cin, c.cout]);
      expect(r.err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
  });

  it('on 20 random shapes', async () => {
    const rng = new Random(7);
    for (let i = 0; i < 20; i++) {
      const c = randomCase(rng);
      expect((await run(c, 200 + i)).err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
  });

  it('at stride 1 through our SIMD kernel (the default) on odd shapes: 1x1, 1-pixel borders, batch 1, channels not a multiple of 4 or 8', async () => {
    expect(simdRoute.enabled).toBe(true);
    for (const [i, c] of SIMD_ODD_CASES.entries()) {
      const r = await run(c, 900 + i);
      expect(r.shape).toEqual([c.kh, c.kw, c.cin, c.cout]);
      expect(r.err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
  });

  it('at stride 1 through the XNNPACK conv route (SIMD route off)', async () => {
    simdRoute.enabled = false;
    try {
      for (const [i, c] of fixed.entries()) expect((await run({ ...c, cin: c.cin + 8, s: [1, 1] }, 600 + i)).err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    } finally {
      simdRoute.enabled = true;
    }
  });

  it('when the im2col matrix is split into chunks (per sample on the gather route, odd column counts on the wide one)', async () => {
    const saved = { ...im2colLimits };
    im2colLimits.maxFloats = 1; // one sample per chunk
    im2colLimits.wideChunkColumns = 37; // chunks cut through rows and samples
    convRoute.enabled = false;
    simdRoute.enabled = false;
    try {
      for (const c of fixed) expect((await run({ ...c, n: 3 }, 300)).err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    } finally {
      Object.assign(im2colLimits, saved);
      convRoute.enabled = true;
      simdRoute.enabled = true;
    }
  });

  it('at stride 1 through the wide im2col route too (conv route off)', async () => {
    convRoute.enabled = false;
    simdRoute.enabled = false;
    try {
      for (const [i, c] of fixed.entries()) expect((await run({ ...c, cin: c.cin + 8, s: [1, 1] }, 500 + i)).err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    } finally {
      convRoute.enabled = true;
      simdRoute.enabled = true;
    }
  });

  it('at stride 1 through the gather route too', async () => {
    convRoute.enabled = false;
    wideIm2col.enabled = false;
    simdRoute.enabled = false;
    try {
      for (const [i, c] of fixed.entries()) expect((await run({ ...c, cin: c.cin + 8, s: [1, 1] }, 400 + i)).err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    } finally {
      wideIm2col.enabled = true;
      convRoute.enabled = true;
      simdRoute.enabled = true;
    }
  });
});
