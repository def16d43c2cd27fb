/**
 * MaxPoolGrad for wasm in one pass over the windows (the stock kernel took
 * ~90 ms per seed-network pool layer at batch 16; this takes a few ms).
 *
 * dx [n, h, w, c] gets dy [n, oh, ow, c] routed to the position of each
 * window's maximum in x: the first strictly greater value in row-major window
 * order, as the cpu backend picks it (ties go to the first), padding never wins.
 * 2x2 windows at stride 2 run in our SIMD kernel (./max-pool-grad-simd.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorpool/core';
import { heapF32, requireFloat32, type KernelArgs } from './wasm.js';
import { maxPoolGrad2x2Simd } from './max-pool-grad-simd.js';
import { simdRoute } from './simd-module.js';

export function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  requireFloat32('MaxPoolGrad', dy, input);
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new BackendError('MaxPoolGrad on wasm supports only dilation 1');
  }
  const [n, H, W, C] = input.shape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  const dx = backend.makeOutput(input.shape, 'float32');
  const pool2 = fh === 2 && fw === 2 && sh === 2 && sw === 2 && pt === 0 && pl === 0 && 2 * oh <= H && 2 * ow <= W;
  // The common 2x2 / stride 2 / valid case in our SIMD kernel (writes all of dx).
  if (pool2 && simdRoute.enabled) {
    maxPoolGrad2x2Simd(backend, input, dy, dx);
    return dx;
  }
  const xs = heapF32(backend, input), ds = heapF32(backend, dy), out = heapF32(backend, dx);
  out.fill(0);
  if (pool2) {
    pool2x2(out, xs, ds, n, H, W, C, oh, ow);
    return dx;
  }
  // Per output pixel, scan the window with all channels at once (contiguous in NHWC).
  const best = new Float32Array(C);
  const at = new Int32Array(C);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - pt;
      const ya = Math.max(0, y0), yb = Math.min(H, y0 + fh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - pl;
        const xa = Math.max(0, x0), xb = Math.min(W, x0 + fw);
        best.fill(-Infinity);
        at.fill(-1);
        for (let y = ya; y < yb; y++) {
          for (let x = xa; x < xb; x++) {
            const base = ((b * H + y) * W + x) * C;
            for (let c = 0; c < C; c++) {
              const v = xs[base + c];
              if (v > best[c]) { best[c] = v; at[c] = base + c; }
            }
          }
        }
        const dyBase = ((b * oh + oy) * ow + ox) * C;
        for (let c = 0; c < C; c++) if (at[c] >= 0) out[at[c]] += ds[dyBase + c];
      }
    }
  }
  return dx;
}

/** The common 2x2 / stride 2 / valid case: disjoint windows of four candidates, no scratch arrays. */
function pool2x2(out: Float32Array, xs: Float32Array, ds: Float32Array, n: number, H: number, W: number, C: number, oh: number, ow: number): void {
  const rowStep = W * C;
  for (let b = 0, d = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, d += C) {
        const p00 = ((b * H + 2 * oy) * W + 2 * ox) * C, p01 = p00 + C, p10 = p00 + rowStep, p11 = p10 + C;
        for (let c = 0; c < C; c++) {
          let best = -Infinity, at = -1, v = xs[p00 + c];
          if (v > best) { best = v; at = p00 + c; }
          v = xs[p01 + c];
          if (v > best) { best = v; at = p01 + c; }
          v = xs[p10 + c];
          if (v > best) { best = v; at = p10 + c; }
          v = xs[p11 + c];
          if (v > best) at = p11 + c;
          if (at >= 0) out[at] = ds[d + c];
        }
      }
    }
  }
}
