import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorpool/core';
import { SIMD_ODD_CASES, type ConvCase } from './conv-cases.test-util.js';
import { TOLERANCE, compareWithCpu, kernel, randomValues, setupWasm } from './compare.test-util.js';
import { simdRoute } from './simd-module.js';

/**
 * 3x3 stride-1 convolutions through Winograd F(4x4, 3x3) (wasm/winograd.c),
 * forward (bias + ReLU, and linear) and input gradient, vs the cpu backend,
 * relative error < TOLERANCE (1e-4 of max(1, max|ref|)). minWinogradChannels
 * is lowered to 1 so every 3x3 case takes it: 1x1 and 2x2 inputs, outputs
 * of every size mod 4 (partial tiles), 1-pixel borders, batch 1, channel
 * counts not multiples of 4 or 8, explicit padding, and 64 -> 64 channels.
 */
const CASES: ConvCase[] = [
  ...SIMD_ODD_CASES.filter((c) => c.kh === 3 && c.kw === 3),
  { n: 1, h: 2, w: 2, cin: 3, cout: 5, kh: 3, kw: 3, s: [1, 1], pad: 'same' },
  { n: 2, h: 13, w: 13, cin: 32, cout: 64, kh: 3, kw: 3, s: [1, 1], pad: 'same' },
  { n: 1, h: 13, w: 13, cin: 64, cout: 64, kh: 3, kw: 3, s: [1, 1], pad: 'valid' },
  { n: 1, h: 10, w: 7, cin: 35, cout: 31, kh: 3, kw: 3, s: [1, 1], pad: 'valid' },
  { n: 1, h: 6, w: 12, cin: 9, cout: 4, kh: 3, kw: 3, s: [1, 1], pad: [[0, 0], [0, 1], [1, 0], [0, 0]] },
];

function forward(c: ConvCase, seed: number, relu: boolean) {
  const rng = new Random(seed);
  const x = randomValues(rng, c.n * c.h * c.w * c.cin);
  const w = randomValues(rng, 9 * c.cin * c.cout);
  const b = randomValues(rng, c.cout);
  return compareWithCpu(() => tf.fused.conv2d({
    x: tf.tensor4d(x, [c.n, c.h, c.w, c.cin]), filter: tf.tensor4d(w, [3, 3, c.cin, c.cout]), strides: 1,
    pad: c.pad, bias: relu ? tf.tensor1d(b) : undefined, activation: relu ? 'relu' : 'linear',
  }));
}

function inputGrad(c: ConvCase, seed: number) {
  const rng = new Random(seed);
  const inputShape: [number, number, number, number] = [c.n, c.h, c.w, c.cin];
  const info = tf.backend_util.computeConv2DInfo(inputShape, [3, 3, c.cin, c.cout], 1, 1, c.pad);
  const dyShape: [number, number, number, number] = [c.n, info.outHeight, info.outWidth, c.cout];
  const dy = randomValues(rng, tf.util.sizeFromShape(dyShape));
  const w = randomValues(rng, 9 * c.cin * c.cout);
  return compareWithCpu(() => kernel('Conv2DBackpropInput', { dy: tf.tensor4d(dy, dyShape), filter: tf.tensor4d(w, [3, 3, c.cin, c.cout]) },
    { strides: 1, pad: c.pad, dataFormat: 'NHWC', inputShape }));
}

describe('3x3 stride-1 convolution through Winograd F(4x4, 3x3) matches cpu', () => {
  const saved = { ...simdRoute };
  beforeAll(async () => {
    await setupWasm();
    Object.assign(simdRoute, { enabled: true, winograd: true, minForwardChannels: 1, minWinogradChannels: 1 });
  });
  afterAll(() => { Object.assign(simdRoute, saved); });

  it('forward with bias + ReLU and linear without bias', async () => {
    for (const [i, c] of CASES.entries()) {
      for (const relu of [true, false]) {
        const r = await forward(c, 900 + i, relu);
        expect(r.shape, JSON.stringify(c)).toEqual(r.refShape);
        expect(r.err, `${JSON.stringify(c)} relu=${relu}`).toBeLessThan(TOLERANCE);
      }
    }
  });

  it('input gradient (forward of dy with the flipped, transposed filter)', async () => {
    for (const [i, c] of CASES.entries()) {
      const r = await inputGrad(c, 950 + i);
      expect(r.shape, JSON.stringify(c)).toEqual([c.n, c.h, c.w, c.cin]);
      expect(r.err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
  });
});
