/**
 * Fast Conv2DBackpropInput for wasm. The stock kernel is a naive loop (4 s of a
 * 7 s seed-network step); this one runs XNNPACK's forward Conv2D instead:
 *
 *   dx = conv2d(dilate(dy, strides), flip(W) with in/out channels swapped)
 *
 * where dilate puts (stride - 1) zeros between dy's rows and columns
 * ([n, (oh-1)*s + 1, (ow-1)*s + 1, outC]), flip reverses the filter spatially,
 * the filter becomes [kh, kw, outC, inC], and the padding is top kh-1-pt,
 * bottom inH + pt - dilatedH (same on the width). At stride 1 that forward
 * convolution runs in our SIMD kernel (./conv2d-simd.ts) unless simdRoute is off.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorpool/core';
import { convSimd } from './conv2d-simd.js';
import { simdRoute } from './simd-module.js';
import { disposeAll, heapF32, requireFloat32, requireNHWC, stock, type KernelArgs } from './wasm.js';

export function conv2DBackpropInput(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  requireNHWC('Conv2DBackpropInput', dataFormat);
  requireFloat32('Conv2DBackpropInput', dy, filter);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new BackendError('Conv2DBackpropInput on wasm supports only dilation 1; use dilationRate 1');
  }
  const [n, H, W, C] = inputShape;
  const kh = info.filterHeight, kw = info.filterWidth, oh = info.outHeight, ow = info.outWidth, co = info.outChannels;
  const sh = info.strideHeight, sw = info.strideWidth;
  const dh = (oh - 1) * sh + 1, dw = (ow - 1) * sw + 1;
  const top = kh - 1 - info.padInfo.top, left = kw - 1 - info.padInfo.left;
  const bottom = H + info.padInfo.top - dh, right = W + info.padInfo.left - dw;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) {
    // Only explicit paddings wider than the filter get here: exact but slow.
    return stock('Conv2DBackpropInput')(args);
  }

  const flipped = backend.makeOutput([kh, kw, co, C], 'float32');
  const dilated = sh === 1 && sw === 1 ? dy : backend.makeOutput([n, dh, dw, co], 'float32');
  const fs = heapF32(backend, filter);
  const ws = heapF32(backend, flipped);
  // flipped[a, b, o, i] = filter[kh-1-a, kw-1-b, i, o]
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const src = ((kh - 1 - a) * kw + (kw - 1 - b)) * C * co;
      const dst = (a * kw + b) * co * C;
      for (let i = 0; i < C; i++) {
        for (let o = 0; o < co; o++) ws[dst + o * C + i] = fs[src + i * co + o];
      }
    }
  }
  if (dilated !== dy) dilate(heapF32(backend, dilated), heapF32(backend, dy), n, oh, ow, co, sh, sw, dh, dw);

  const dx = sh === 1 && sw === 1 && simdRoute.enabled
    ? convSimd(backend, dy, flipped, null, { top, bottom, left, right }, false)
    : stock('Conv2D')({
      inputs: { x: dilated, filter: flipped },
      backend,
      attrs: { strides: [1, 1], dilations: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC' },
    });
  disposeAll(backend, dilated === dy ? [flipped] : [flipped, dilated]);
  return dx;
}

/** out [n, dh, dw, c] = dy [n, oh, ow, c] spread out by the strides, zeros between. */
function dilate(out: Float32Array, dy: Float32Array, n: number, oh: number, ow: number, c: number, sh: number, sw: number, dh: number, dw: number): void {
  out.fill(0);
  for (let s = 0; s < n; s++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const src = ((s * oh + y) * ow + x) * c;
        out.set(dy.subarray(src, src + c), ((s * dh + y * sh) * dw + x * sw) * c);
      }
    }
  }
}

export const conv2DBackpropInputConfig = { kernelName: tf.Conv2DBackpropInput, backendName: 'wasm', kernelFunc: conv2DBackpropInput };
