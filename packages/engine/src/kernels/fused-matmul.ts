/**
 * _FusedMatMul (matMul + bias + activation, what tf.fused.matMul and dense
 * layers run) for wasm. The stock kernel packs the right operand on every call
 * with a new tensor (0.35-0.45 s for the seed network's [33856, 512] dense
 * kernel, against 0.04 s for the product) and caches it by tensor id, stale after
 * in-place weight writes. We run the product through our planned BatchMatMul
 * (./batch-matmul.ts), then add the bias and apply the activation with the stock
 * elementwise kernels on the small [M, N] result.
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeAll, stock, type KernelArgs, type WasmKernel } from './wasm.js';

/** Fused activations that are one stock kernel of x alone: activation name -> kernel name. */
const UNARY_ACTIVATIONS: Record<string, string | undefined> = { relu: 'Relu', relu6: 'Relu6', elu: 'Elu', sigmoid: 'Sigmoid' };

export function makeFusedMatMul(batchMatMul: WasmKernel, stockFused: WasmKernel): WasmKernel {
  return (args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const { a, b, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
    const activation = (attrs.activation as string | undefined) ?? 'linear';
    if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32') return stockFused(args);
    let y = batchMatMul({ inputs: { a, b }, backend, attrs: { transposeA: Boolean(attrs.transposeA), transposeB: Boolean(attrs.transposeB) } });
    const step = (next: tf.TensorInfo) => {
      disposeAll(backend, [y]);
      y = next;
    };
    if (bias) step(stock('Add')({ inputs: { a: y, b: bias }, backend, attrs: {} }));
    const unary = UNARY_ACTIVATIONS[activation];
    if (unary) {
      step(stock(unary)({ inputs: { x: y }, backend, attrs: {} }));
    } else if (activation === 'leakyrelu') {
      step(stock('LeakyRelu')({ inputs: { x: y }, backend, attrs: { alpha: (attrs.leakyreluAlpha as number | undefined) ?? 0.2 } }));
    } else if (activation === 'prelu') {
      if (preluActivationWeights) step(stock('Prelu')({ inputs: { x: y, alpha: preluActivationWeights }, backend, attrs: {} }));
    } else if (activation !== 'linear') {
      disposeAll(backend, [y]);
      return stockFused(args);
    }
    return y;
  };
}
