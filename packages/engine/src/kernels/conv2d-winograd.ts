/**
 * 3x3 stride-1 convolution by Winograd F(4x4, 3x3) in our WebAssembly SIMD
 * kernel (packages/engine/wasm/winograd.c); convSimd (./conv2d-simd.ts) routes
 * 3x3 filters with enough input channels here, forward and input gradient alike.
 * The filter is transformed once per call into U [36, Cp, Cop]; per sample, x
 * [H, W, C] is copied into a zero-bordered [Hp, Wp, Cp] buffer whose size
 * covers whole 4x4 output tiles, and the output [oh, ow, Co] comes back.
 * Cp, Cop: C and Co rounded up to 4 and 8 (the kernel's vector widths).
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapF32, type WasmBackend } from './wasm.js';
import { scratch, simdKernels, WINO_BLOCK, WINO_PAD } from './simd-module.js';
import type { Padding } from './conv2d-simd.js';

/** y [n, oh, ow, Co] = act(x [n, H, W, C] (*) filter [3, 3, C, Co] + bias [Co]), stride 1, zero padding `pad`. */
export function convWinograd(backend: WasmBackend, x: tf.TensorInfo, filter: tf.TensorInfo, bias: tf.TensorInfo | null, pad: Padding, relu: boolean): tf.TensorInfo {
  const [n, H, W, C] = x.shape;
  const co = filter.shape[3];
  const oh = H + pad.top + pad.bottom - 2, ow = W + pad.left + pad.right - 2;
  const res = backend.makeOutput([n, oh, ow, co], 'float32');
  const cp = (C + 3) & ~3, cop = (co + 7) & ~7;
  const Hp = 4 * Math.ceil(oh / 4) + 2, Wp = 4 * Math.ceil(ow / 4) + 2;
  const ws = 9 * C * co, us = 36 * cp * cop, xs = Hp * Wp * cp, os = oh * ow * co, work = 36 * (WINO_BLOCK * (cp + cop) + 2 * WINO_PAD);
  const k = simdKernels();
  const { mem, at } = scratch(k, ws + us + cop + xs + work + os + 4);
  // float offsets, each a multiple of 4 (16-byte aligned): filter, U, bias, padded input, work, output
  const wo = at, uo = (wo + ws + 3) & ~3, bo = uo + us, xo = bo + cop, ko = xo + xs, oo = ko + work;
  mem.set(heapF32(backend, filter), wo);
  k.wino_filter(wo * 4, uo * 4, C, co, cp, cop);
  mem.fill(0, bo, bo + cop);
  if (bias) mem.set(heapF32(backend, bias), bo);
  mem.fill(0, xo, xo + xs); // the border and the pad channels stay zero: samples only overwrite the interior
  const xh = heapF32(backend, x), yh = heapF32(backend, res);
  for (let s = 0; s < n; s++) {
    copyInterior(mem, xh, xo, s * H * W * C, H, W, C, cp, Wp, pad);
    k.wino_conv(xo * 4, uo * 4, bias ? bo * 4 : 0, oo * 4, ko * 4, Wp, cp, oh, ow, co, cop, relu ? 1 : 0);
    yh.set(mem.subarray(oo, oo + os), s * os);
  }
  return res;
}

/** mem[xo + ((r + top) * Wp + c + left) * cp + i] = xh[src + (r * W + c) * C + i]: one sample [H, W, C] into [Hp, Wp, cp]. */
export function copyInterior(mem: Float32Array, xh: Float32Array, xo: number, src: number, H: number, W: number, C: number, cp: number, Wp: number, pad: Padding): void {
  for (let r = 0; r < H; r++) {
    const from = src + r * W * C, to = xo + ((r + pad.top) * Wp + pad.left) * cp;
    if (cp === C) {
      mem.set(xh.subarray(from, from + W * C), to);
    } else {
      for (let c = 0; c < W; c++) mem.set(xh.subarray(from + c * C, from + (c + 1) * C), to + c * cp);
    }
  }
}
