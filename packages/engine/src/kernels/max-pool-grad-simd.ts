/**
 * MaxPoolGrad for 2x2 windows at stride 2 without padding in our WebAssembly
 * SIMD kernel (packages/engine/wasm/max-pool-grad.c): per sample, x [H, W, C]
 * and dy [oh, ow, C] are copied into the kernel module's memory, dx [H, W, C]
 * (written in full, zeros included) comes back. Same first-max rule as
 * ./max-pool-grad.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapF32, type WasmBackend } from './wasm.js';
import { scratch, simdKernels } from './simd-module.js';

/** dx [n, H, W, C] from x [n, H, W, C] and dy [n, oh, ow, C]; 2 oh <= H, 2 ow <= W. */
export function maxPoolGrad2x2Simd(backend: WasmBackend, input: tf.TensorInfo, dy: tf.TensorInfo, dx: tf.TensorInfo): void {
  const [n, H, W, C] = input.shape;
  const [, oh, ow] = dy.shape;
  const xs = H * W * C, gs = oh * ow * C;
  const k = simdKernels();
  const { mem, at } = scratch(k, 2 * xs + gs + 8);
  const xo = at, go = (xo + xs + 3) & ~3, dxo = (go + gs + 3) & ~3;
  const xh = heapF32(backend, input), gh = heapF32(backend, dy), out = heapF32(backend, dx);
  for (let s = 0; s < n; s++) {
    mem.set(xh.subarray(s * xs, (s + 1) * xs), xo);
    mem.set(gh.subarray(s * gs, (s + 1) * gs), go);
    k.max_pool_grad_2x2(xo * 4, go * 4, dxo * 4, H, W, C, oh, ow);
    out.set(mem.subarray(dxo, dxo + xs), s * xs);
  }
}
