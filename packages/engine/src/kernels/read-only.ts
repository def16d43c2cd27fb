/**
 * Tensors their creator promises never to write in place while they live. Our
 * BatchMatMul (./batch-matmul.ts) hands such a right operand to XNNPACK as it
 * is instead of a fresh copy (./fresh-operands.ts), so XNNPACK's operator,
 * cached per tensor id with the operand packed, is reused by every product
 * with it and evicted when the tensor is disposed. For a dense kernel read in
 * column blocks (../layers/dense-host.ts) that packs x^T [in, n] once per step
 * instead of once per block (~5 ms per block for the seed network).
 */
import type * as tf from '@tensorflow/tfjs-core';

const readOnly = new WeakSet<object>();

/** Promise that t's storage is not written in place until it is disposed. */
export function markReadOnly(t: tf.Tensor): void {
  readOnly.add(t.dataId);
}

export function isReadOnly(t: tf.TensorInfo): boolean {
  return readOnly.has(t.dataId);
}
