/**
 * Installs our training kernels into the tfjs wasm backend. The stock kernels
 * we replace stay reachable (./wasm.ts `stock`) because ours delegate the cases
 * they do not speed up. Call after the wasm backend is initialised (the stock
 * kernels' setup runs when the backend is set). Idempotent; calling again with
 * other options switches kernels back and forth (the bench compares sets).
 */
import * as tf from '@tensorflow/tfjs-core';
import { makeBatchMatMul } from './batch-matmul.js';
import { conv2DBackpropFilter } from './conv2d-backprop-filter.js';
import { makeFusedConv2D } from './conv2d-simd.js';
import { simdRoute } from './simd-module.js';
import { conv2DBackpropInput } from './conv2d-backprop-input.js';
import { withFreshOperands } from './fresh-operands.js';
import { makeFusedMatMul } from './fused-matmul.js';
import { castSameType, identity } from './identity.js';
import { maxPoolGrad } from './max-pool-grad.js';
import { sum } from './sum.js';
import { captureStock, stock, type WasmKernel } from './wasm.js';

export interface TrainingKernelOptions {
  /** Conv2D-based Conv2DBackpropInput instead of the stock naive loop. */
  fastBackpropInput?: boolean;
  /** BatchMatMul and _FusedMatMul planned around XNNPACK's untransposed path and its costly packing. */
  fastMatMul?: boolean;
  /** Identity (and Cast to the same dtype) without a copy. */
  fastIdentity?: boolean;
  /** One-pass MaxPoolGrad. */
  fastMaxPoolGrad?: boolean;
  /** Sum over leading axes (bias gradients) without a transpose. */
  fastSum?: boolean;
  /** Our WebAssembly SIMD kernels (packages/engine/wasm): stride-1 conv forward, input and filter gradient. */
  simdKernels?: boolean;
  /** Within those, Winograd F(4x4, 3x3) for 3x3 filters (wasm/winograd.c) instead of the direct kernel. */
  winograd?: boolean;
  /** With Winograd on, the 3x3 filter gradient in the Winograd domain too (wasm/winograd-filter-grad.c). */
  winogradFilterGrad?: boolean;
}
/**
 * 'all' = every kernel of ours; 'missing-only' = only what wasm lacks
 * (Conv2DBackpropFilter). Both keep the fresh-operand wrappers (correctness).
 */
export type TrainingKernelSet = 'all' | 'missing-only';

const ALL: Required<TrainingKernelOptions> = { fastBackpropInput: true, fastMatMul: true, fastIdentity: true, fastMaxPoolGrad: true, fastSum: true, simdKernels: true, winograd: true, winogradFilterGrad: true };
const NONE: Required<TrainingKernelOptions> = { fastBackpropInput: false, fastMatMul: false, fastIdentity: false, fastMaxPoolGrad: false, fastSum: false, simdKernels: false, winograd: false, winogradFilterGrad: false };

/** Stock kernels that cache packed operands per tensor id, and those operands. */
const FRESH_OPERANDS: [string, string[]][] = [
  [tf.Conv2D, ['filter']],
  [tf.FusedConv2D, ['filter', 'bias']],
  [tf.DepthwiseConv2dNative, ['filter']],
  [tf.FusedDepthwiseConv2D, ['filter', 'bias']],
];

/** Returns the names of the kernels now served by our code. */
export function registerTrainingKernels(set: TrainingKernelSet | TrainingKernelOptions = 'all'): string[] {
  const o = set === 'all' ? ALL : set === 'missing-only' ? NONE : { ...ALL, ...set };
  const ours: string[] = [];
  const install = (name: string, fn: WasmKernel | undefined) => {
    const original = captureStock(name);
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    if (fn) {
      ours.push(name);
      tf.registerKernel({ kernelName: name, backendName: 'wasm', setupFunc: original?.setupFunc, kernelFunc: fn as unknown as tf.KernelFunc });
    } else if (original) {
      tf.registerKernel(original);
    }
  };
  // Correctness, in every set: never let XNNPACK reuse weights packed under a reused tensor id.
  for (const [name, operands] of FRESH_OPERANDS) {
    captureStock(name);
    const fresh = withFreshOperands(stock(name), operands);
    // FusedConv2D: our SIMD kernel when simdRoute is on and it covers the case (checked per call).
    install(name, name === tf.FusedConv2D ? makeFusedConv2D(fresh) : fresh);
  }
  simdRoute.enabled = o.simdKernels;
  simdRoute.winograd = o.winograd;
  simdRoute.winogradFilterGrad = o.winogradFilterGrad;
  install(tf.Conv2DBackpropFilter, conv2DBackpropFilter);
  install(tf.Conv2DBackpropInput, o.fastBackpropInput ? conv2DBackpropInput : undefined);
  captureStock(tf.BatchMatMul);
  captureStock(tf.Transpose);
  const matMul = makeBatchMatMul(stock(tf.BatchMatMul), stock(tf.Transpose));
  install(tf.BatchMatMul, o.fastMatMul ? matMul : withFreshOperands(stock(tf.BatchMatMul), ['b']));
  captureStock(tf._FusedMatMul);
  install(tf._FusedMatMul, o.fastMatMul ? makeFusedMatMul(matMul, stock(tf._FusedMatMul)) : withFreshOperands(stock(tf._FusedMatMul), ['b', 'bias']));
  install(tf.Identity, o.fastIdentity ? identity : undefined);
  install(tf.Cast, o.fastIdentity ? castSameType : undefined);
  install(tf.MaxPoolGrad, o.fastMaxPoolGrad ? maxPoolGrad : undefined);
  install(tf.Sum, o.fastSum ? sum : undefined);
  return ours;
}
