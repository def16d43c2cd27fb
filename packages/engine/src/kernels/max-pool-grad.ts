/**
 * MaxPoolGrad for wasm in one pass over the windows (the stock kernel took
 * ~90 ms per seed-network pool layer at batch 16; this takes a few ms).
 *
 * dx [n, h, w, c] gets dy [n, oh, ow, c] routed to the position of each
 * window's maximum in x: the first strictly greater value in row-major window
 * order, as the cpu backend picks it (ties go to the first), padding never wins.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorpool/core';
import { heapF32, requireFloat32, type KernelArgs } from './wasm.js';

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
  const xs = heapF32(backend, input), ds = heapF32(backend, dy), out = heapF32(backend, dx);
  out.fill(0);
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
