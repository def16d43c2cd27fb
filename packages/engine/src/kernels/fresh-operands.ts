/**
 * The stock wasm Conv2D/FusedConv2D/DepthwiseConv2D (and MatMul's XNNPACK
 * path) cache their packed filter, bias or right operand per tensor id. Weights
 * written in place into a variable's heap storage keep their id, so the stock
 * kernels would go on computing with the OLD weights (see ./in-place.ts).
 *
 * This wrapper hands the stock kernel fresh copies of those operands: a copy
 * costs ~0.4 ns per float (a conv filter is at most a few thousand floats),
 * and XNNPACK repacks what it would repack anyway in training, where weights
 * change every step. Disposing the copy evicts its cached operator at once.
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeAll, heapF32, type KernelArgs, type WasmBackend, type WasmKernel } from './wasm.js';

/** A new tensor with t's values (float32 only; others are returned as they are). */
export function freshCopy(backend: WasmBackend, t: tf.TensorInfo): tf.TensorInfo {
  if (t.dtype !== 'float32') return t;
  const copy = backend.makeOutput(t.shape, 'float32');
  heapF32(backend, copy).set(heapF32(backend, t));
  return copy;
}

export function withFreshOperands(stockKernel: WasmKernel, names: string[]): WasmKernel {
  return (args: KernelArgs) => {
    const inputs = { ...args.inputs };
    const copies: tf.TensorInfo[] = [];
    for (const name of names) {
      const t = inputs[name];
      if (t == null || t.dtype !== 'float32') continue;
      const copy = freshCopy(args.backend, t);
      copies.push(copy);
      inputs[name] = copy;
    }
    try {
      return stockKernel({ ...args, inputs });
    } finally {
      disposeAll(args.backend, copies);
    }
  };
}
