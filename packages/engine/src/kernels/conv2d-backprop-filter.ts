/**
 * Conv2DBackpropFilter for wasm (the stock backend has none: tensorflow/tfjs#8474).
 *
 * dW[a, b, i, o] = sum over (n, y, x) of x[n, y*s + a - pt, x*s + b - pl, i] * dy[n, y, x, o]
 *
 * We build the im2col matrix already transposed, P [(i, a, b), (n, y, x)], from
 * x in channel-planar layout [c, n, h, w] (one stock Transpose), so each row
 * segment is a contiguous run of the input row when the stride is 1. Then one
 * untransposed MatMul P [K, M] x dy [M, outC] runs on XNNPACK's fast path.
 * P is built per chunk of samples to cap its memory; chunk results are summed.
 *
 * Stride 1 takes a faster route ("wide" im2col, ./conv2d-backprop-filter-wide.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorpool/core';
import { filterGradConv } from './conv2d-backprop-filter-conv.js';
import { filterGradSimd } from './conv2d-backprop-filter-simd.js';
import { filterGradWide } from './conv2d-backprop-filter-wide.js';
import { filterGradWinograd } from './conv2d-backprop-filter-winograd.js';
import { simdRoute } from './simd-module.js';
import { disposeAll, filterFromRows, heapF32, requireFloat32, requireNHWC, stock, view, type KernelArgs } from './wasm.js';

/** Largest im2col chunk, in floats (tunable; the bench measures it). */
export const im2colLimits = { maxFloats: 16 * 1024 * 1024, wideChunkColumns: 2048 };
/** Use the wide im2col for stride 1 (switchable so tests and the bench can compare both routes). */
export const wideIm2col = { enabled: true, minChannels: 8 };
/**
 * Stride 1 as one forward Conv2D (./conv2d-backprop-filter-conv.ts) when its
 * indirection buffer, C*kh*kw*oh*ow pointers, stays under maxPointers. Measured
 * at batch 16: 1.07-1.46x faster than the wide im2col on the fashion-mnist layers
 * (at most 195k pointers), 0.8-1.0x on the seed's (691k and more).
 */
export const convRoute = { enabled: true, minChannels: 8, maxPointers: 256 * 1024 };

export function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  requireNHWC('Conv2DBackpropFilter', dataFormat);
  requireFloat32('Conv2DBackpropFilter', x, dy);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new BackendError('Conv2DBackpropFilter on wasm supports only dilation 1; use dilationRate 1');
  }
  const stride1 = info.strideHeight === 1 && info.strideWidth === 1;
  // Stride 1: our WebAssembly SIMD kernels, 3x3 with enough channels in the Winograd domain
  // (./conv2d-backprop-filter-winograd.ts), else direct (./conv2d-backprop-filter-simd.ts); with them off, the XNNPACK routes below.
  if (stride1 && simdRoute.enabled) {
    const wino = simdRoute.winograd && simdRoute.winogradFilterGrad && info.filterHeight === 3 && info.filterWidth === 3
      && x.shape[3] >= simdRoute.minWinogradChannels;
    return wino ? filterGradWinograd(x, dy, info, backend) : filterGradSimd(x, dy, info, backend);
  }
  if (stride1 && convRoute.enabled && x.shape[3] >= convRoute.minChannels && x.shape[3] * info.filterHeight * info.filterWidth * info.outHeight * info.outWidth <= convRoute.maxPointers) {
    const r = filterGradConv(x, dy, info, backend);
    if (r) return r;
  }
  // Few input channels (the first layer): the C++ Transpose and gather win over the JS plane copy.
  if (info.strideHeight === 1 && info.strideWidth === 1 && wideIm2col.enabled && x.shape[3] >= wideIm2col.minChannels) return filterGradWide(x, dy, info, backend, im2colLimits.wideChunkColumns);
  const [n, H, W, C] = x.shape;
  const kh = info.filterHeight, kw = info.filterWidth, oh = info.outHeight, ow = info.outWidth, co = info.outChannels;
  const sh = info.strideHeight, sw = info.strideWidth, pt = info.padInfo.top, pl = info.padInfo.left;
  const K = C * kh * kw;
  const perSample = oh * ow;
  const chunk = Math.max(1, Math.min(n, Math.floor(im2colLimits.maxFloats / (K * perSample))));

  // xT [c, n, h, w]: channel planes, so P's rows copy contiguous input rows.
  const xT = stock('Transpose')({ inputs: { x }, backend, attrs: { perm: [3, 0, 1, 2] } });
  const acc = new Float32Array(K * co);
  for (let n0 = 0; n0 < n; n0 += chunk) {
    const nc = Math.min(chunk, n - n0);
    const M = nc * perSample;
    const P = backend.makeOutput([1, K, M], 'float32');
    // dy rows of this chunk are contiguous; copy them unless the chunk is all of dy.
    const dyChunk = nc === n ? view(dy, [1, M, co]) : backend.makeOutput([1, M, co], 'float32');
    const xs = heapF32(backend, xT);
    const ps = heapF32(backend, P);
    if (nc !== n) heapF32(backend, dyChunk).set(heapF32(backend, dy).subarray(n0 * perSample * co, (n0 + nc) * perSample * co));
    fillIm2col(ps, xs, { n, n0, nc, H, W, C, kh, kw, oh, ow, sh, sw, pt, pl });
    const out = stock('BatchMatMul')({ inputs: { a: P, b: dyChunk }, backend, attrs: { transposeA: false, transposeB: false } });
    const os = heapF32(backend, out);
    for (let k = 0; k < acc.length; k++) acc[k] += os[k];
    disposeAll(backend, nc === n ? [P, out] : [P, dyChunk, out]);
  }
  backend.disposeData(xT.dataId);

  return filterFromRows(backend, acc, kh, kw, C, co);
}

interface Im2colGeometry {
  n: number; n0: number; nc: number; H: number; W: number; C: number;
  kh: number; kw: number; oh: number; ow: number; sh: number; sw: number; pt: number; pl: number;
}

/** P [(i, a, b), (n0..n0+nc, y, x)] = xT[i, n, y*sh + a - pt, x*sw + b - pl], zero outside the input. */
function fillIm2col(ps: Float32Array, xs: Float32Array, g: Im2colGeometry): void {
  const { n, n0, nc, H, W, C, kh, kw, oh, ow, sh, sw, pt, pl } = g;
  const M = nc * oh * ow;
  let row = 0;
  for (let i = 0; i < C; i++) {
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++, row++) {
        // output columns x whose input column x*sw + b - pl lies inside [0, W)
        const x0 = Math.min(ow, Math.max(0, Math.ceil((pl - b) / sw)));
        const x1 = Math.max(x0, Math.min(ow, Math.floor((W - 1 + pl - b) / sw) + 1));
        let dst = row * M;
        for (let s = n0; s < n0 + nc; s++) {
          const plane = (i * n + s) * H * W;
          for (let y = 0; y < oh; y++, dst += ow) {
            const iy = y * sh + a - pt;
            if (iy < 0 || iy >= H) {
              ps.fill(0, dst, dst + ow);
              continue;
            }
            if (x0 > 0) ps.fill(0, dst, dst + x0);
            if (x1 < ow) ps.fill(0, dst + x1, dst + ow);
            const src = plane + iy * W + x0 * sw + b - pl;
            if (sw === 1) {
              ps.set(xs.subarray(src, src + (x1 - x0)), dst + x0);
            } else {
              for (let xx = x0, k = src; xx < x1; xx++, k += sw) ps[dst + xx] = xs[k];
            }
          }
        }
      }
    }
  }
}

export const conv2DBackpropFilterConfig = { kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: conv2DBackpropFilter };
