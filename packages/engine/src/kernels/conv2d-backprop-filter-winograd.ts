/**
 * Conv2DBackpropFilter for 3x3 stride-1 convolutions in the Winograd
 * F(4x4, 3x3) domain (packages/engine/wasm/winograd-filter-grad.c): 36 instead
 * of 144 multiplies per 4x4 output tile and channel pair. Samples go in groups
 * of ns (enough tiles for one block of the kernel) into zero-bordered buffers
 * in the kernel module's memory:
 *   x  [n, H, W, C]    -> xp [ns, Hp, Wp, Cp], Hp = 4 th + 2 (th = ceil(oh / 4))
 *   dy [n, oh, ow, Co] -> gp [ns, 4 th, 4 tw, Cop], zero past [oh, ow]
 * the products accumulate in M [36, Cp, Cop], transformed once into
 * dw [3, 3, C, Co] at the end. Cp, Cop: C and Co rounded up to 4 and 8.
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapF32, type WasmBackend } from './wasm.js';
import { scratch, simdKernels, WINO_GRAD_BLOCK, WINO_PAD } from './simd-module.js';
import { copyInterior } from './conv2d-winograd.js';

export function filterGradWinograd(x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, backend: WasmBackend): tf.TensorInfo {
  const [n, H, W, C] = x.shape;
  const { outHeight: oh, outWidth: ow, outChannels: co, padInfo: pad } = info;
  const cp = (C + 3) & ~3, cop = (co + 7) & ~7;
  const th = Math.ceil(oh / 4), tw = Math.ceil(ow / 4);
  const Hp = 4 * th + 2, Wp = 4 * tw + 2, gw = 4 * tw;
  const ns = Math.min(n, Math.ceil(WINO_GRAD_BLOCK / (th * tw)));
  const xs = Hp * Wp * cp, gs = 4 * th * gw * cop, ms = 36 * cp * cop, ws = 9 * C * co;
  const work = 36 * (WINO_GRAD_BLOCK * (cp + cop) + 2 * WINO_PAD);
  const k = simdKernels();
  const { mem, at } = scratch(k, ms + ns * (xs + gs) + work + ws);
  // float offsets, each a multiple of 4 (16-byte aligned): M, padded inputs, padded gradients, work, dw
  const mo = at, xo = mo + ms, go = xo + ns * xs, ko = go + ns * gs, wo = ko + work;
  mem.fill(0, mo, ko); // borders, pad channels and M start at zero; samples only overwrite interiors
  const xh = heapF32(backend, x), gh = heapF32(backend, dy);
  for (let s0 = 0; s0 < n; s0 += ns) {
    const m = Math.min(ns, n - s0);
    for (let j = 0; j < m; j++) {
      copyInterior(mem, xh, xo + j * xs, (s0 + j) * H * W * C, H, W, C, cp, Wp, pad);
      copyInterior(mem, gh, go + j * gs, (s0 + j) * oh * ow * co, oh, ow, co, cop, gw, { top: 0, bottom: 0, left: 0, right: 0 });
    }
    k.wino_filter_grad_acc(xo * 4, go * 4, mo * 4, ko * 4, m, th, tw, cp, cop);
  }
  k.wino_filter_grad_out(mo * 4, wo * 4, C, co, cp, cop);
  const res = backend.makeOutput([3, 3, C, co], 'float32');
  heapF32(backend, res).set(mem.subarray(wo, wo + ws));
  return res;
}
