import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorpool/core';
import { SIMD_ODD_CASES, type ConvCase } from './conv-cases.test-util.js';
import { TOLERANCE, compareWithCpu, randomValues, setupWasm } from './compare.test-util.js';
import { simdRoute } from './simd-module.js';

/**
 * The stride-1 forward convolution (FusedConv2D, bias + ReLU) through our
 * WebAssembly SIMD kernel (wasm/conv-forward.c) vs the cpu backend, relative
 * error < TOLERANCE (1e-4 of max(1, max|ref|)), on SIMD_ODD_CASES. Its input
 * gradient use is tested in conv2d-backprop-input-matches-cpu.test.ts.
 */
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

describe('stride-1 convolution through the SIMD kernel matches cpu', () => {
  beforeAll(setupWasm);

  it('forward with bias + ReLU and linear without bias, on odd shapes (any channel count)', async () => {
    expect(simdRoute.enabled).toBe(true);
    const min = simdRoute.minForwardChannels;
    simdRoute.minForwardChannels = 1;
    try {
      for (const [i, c] of SIMD_ODD_CASES.entries()) {
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

  it('and XNNPACK still does with the SIMD route off', async () => {
    simdRoute.enabled = false;
    try {
      for (const [i, c] of SIMD_ODD_CASES.entries()) {
        expect((await forward(c, 700 + i, true)).err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
      }
    } finally {
      simdRoute.enabled = true;
    }
  });
});
