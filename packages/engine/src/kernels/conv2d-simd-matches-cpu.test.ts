import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorpool/core';
import type { ConvCase } from './conv-cases.test-util.js';
import { TOLERANCE, compareWithCpu, kernel, randomValues, setupWasm } from './compare.test-util.js';
import { simdRoute } from './simd-module.js';

/**
 * Stride-1 convolution through our WebAssembly SIMD kernel (wasm/conv-forward.c)
 * vs the cpu backend, relative error < TOLERANCE (1e-4 of max(1, max|ref|)):
 * the forward FusedConv2D (bias + ReLU, and linear without bias) and the input
 * gradient (Conv2DBackpropInput). Shapes hit every tail: 1x1 filters and
 * inputs, 1-pixel borders, batch 1, widths not a multiple of 4 (pixel tiles),
 * channels not a multiple of 4 or 8.
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

function forward(c: ConvCase, seed: number, relu: boolean) {
  const rng = new Random(seed);
  const x = randomValues(rng, c.n * c.h * c.w * c.cin);
  const w = randomValues(rng, c.kh * c.kw * c.cin * c.cout);
  const b = randomValues(rng, c.cout);
  return compareWithCpu(() => tf.fused.conv2d({
    x: tf.tensor4d(x, [c.n, c.h, c.w, c.cin]), filter: tf.tensor4d(w, [c.kh, c.kw, c.cin, c.cout]), strides: 1,
    pad: c.pad, bias: relu ? tf.tensor1d(b) : undefined, activation: relu ? 'relu' : 'linear',
  }));
}

function inputGrad(c: ConvCase, seed: number) {
  const rng = new Random(seed);
  const inputShape: [number, number, number, number] = [c.n, c.h, c.w, c.cin];
  const info = tf.backend_util.computeConv2DInfo(inputShape, [c.kh, c.kw, c.cin, c.cout], c.s, 1, c.pad);
  const dyShape: [number, number, number, number] = [c.n, info.outHeight, info.outWidth, c.cout];
  const dy = randomValues(rng, tf.util.sizeFromShape(dyShape));
  const w = randomValues(rng, c.kh * c.kw * c.cin * c.cout);
  return compareWithCpu(() => kernel('Conv2DBackpropInput', { dy: tf.tensor4d(dy, dyShape), filter: tf.tensor4d(w, [c.kh, c.kw, c.cin, c.cout]) },
    { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape }));
}

describe('stride-1 convolution through the SIMD kernel matches cpu', () => {
  beforeAll(setupWasm);

  it('forward with bias + ReLU and linear without bias, on odd shapes (any channel count)', async () => {
    expect(simdRoute.enabled).toBe(true);
    const min = simdRoute.minForwardChannels;
    simdRoute.minForwardChannels = 1;
    try {
      for (const [i, c] of cases.entries()) {
        for (const relu of [true, false]) {
          const r = await forward(c, 700 + i, relu);
          expect(r.shape, JSON.stringify(c)).toEqual(r.refShape);
          expect(r.err, `${JSON.stringify(c)} relu=${relu}`).toBeLessThan(TOLERANCE);
        }
      }
    } finally {
      simdRoute.minForwardChannels = min;
    }
  });

  it('input gradient on odd shapes', async () => {
    for (const [i, c] of cases.entries()) {
      const r = await inputGrad(c, 800 + i);
      expect(r.shape).toEqual([c.n, c.h, c.w, c.cin]);
      expect(r.err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
  });

  it('and the XNNPACK routes still do with the SIMD route off', async () => {
    simdRoute.enabled = false;
    try {
      for (const [i, c] of cases.entries()) {
        expect((await forward(c, 700 + i, true)).err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
        expect((await inputGrad(c, 800 + i)).err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
      }
    } finally {
      simdRoute.enabled = true;
    }
  });
});
