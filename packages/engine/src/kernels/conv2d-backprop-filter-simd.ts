/**
 * Conv2DBackpropFilter for stride 1 in our WebAssembly SIMD kernel
 * (packages/engine/wasm/conv-filter-grad.c): per sample, x [H, W, C] and
 * dy [oh, ow, Co] are copied into the kernel module's memory and the products
 * accumulate into dw [kh, kw, C, Co] there; no im2col matrix, no transposes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapF32, type WasmBackend } from './wasm.js';
import { scratch, simdKernels } from './simd-module.js';

export function filterGradSimd(x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, backend: WasmBackend): tf.TensorInfo {
  const [n, H, W, C] = x.shape;
  const { filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const xs = H * W * C, gs = oh * ow * co, ws = kh * kw * C * co;
  const k = simdKernels();
  const { mem, at } = scratch(k, ws + xs + gs);
  const dw = at, xo = at + ws, go = xo + xs;
  mem.fill(0, dw, dw + ws);
  const xh = heapF32(backend, x), gh = heapF32(backend, dy);
  for (let s = 0; s < n; s++) {
    mem.set(xh.subarray(s * xs, (s + 1) * xs), xo);
    mem.set(gh.subarray(s * gs, (s + 1) * gs), go);
    k.conv_filter_grad_s1(xo * 4, go * 4, dw * 4, H, W, C, oh, ow, co, kh, kw, info.padInfo.top, info.padInfo.left);
  }
  const res = backend.makeOutput([kh, kw, C, co], 'float32');
  heapF32(backend, res).set(mem.subarray(dw, dw + ws));
  return res;
}
