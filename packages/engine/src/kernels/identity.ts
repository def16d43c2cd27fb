/**
 * Identity for wasm without the copy. The stock kernel copies the whole
 * tensor; tfjs clones every tensor it saves for the backward pass (the dense
 * kernel [33856, 512] alone is 69 MB per step). Tensor data are immutable, so
 * sharing the data id with a reference count is exact (the cpu backend does the same).
 */
import * as tf from '@tensorflow/tfjs-core';
import { stock, type KernelArgs } from './wasm.js';

export function identity(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') return stock('Identity')(args);
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Cast to the tensor's own dtype (relu's gradient casts step(x) to float32) is an Identity too. */
export function castSameType(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === args.attrs.dtype && x.dtype !== 'string') return identity(args);
  return stock('Cast')(args);
}
