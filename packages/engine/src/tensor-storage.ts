import * as tf from '@tensorflow/tfjs-core';

/** Backend storage of a float32 tensor as a live typed-array view, where the backend allows (wasm heap, cpu values). */
export function storage(t: tf.Tensor): Float32Array | null {
  const backend = tf.backend() as unknown as {
    typedArrayFromHeap?: (t: tf.TensorInfo) => Float32Array;
    data?: { get(id: object): { values?: unknown } | undefined };
  };
  const name = tf.getBackend();
  if (name === 'wasm' && backend.typedArrayFromHeap) return backend.typedArrayFromHeap(t);
  if (name === 'cpu' && backend.data) {
    const v = backend.data.get(t.dataId)?.values;
    if (v instanceof Float32Array && v.length === t.size) return v;
  }
  return null;
}

/**
 * A new float32 tensor of `shape` whose values `fill` writes straight into the
 * backend's storage; `fill` must write every element. On wasm the storage is
 * allocated uninitialized (no zeroing pass over a block that is overwritten
 * anyway); on cpu it starts zeroed; elsewhere a temporary host array.
 */
export function filledTensor(shape: number[], fill: (out: Float32Array) => void): tf.Tensor {
  const backend = tf.backend() as unknown as { makeOutput?: (shape: number[], dtype: 'float32') => tf.TensorInfo };
  const t = tf.getBackend() === 'wasm' && backend.makeOutput
    ? tf.engine().makeTensorFromTensorInfo(backend.makeOutput(shape, 'float32'))
    : tf.fill(shape, 0);
  const view = storage(t);
  if (view) {
    fill(view);
    return t;
  }
  t.dispose();
  const values = new Float32Array(tf.util.sizeFromShape(shape));
  fill(values);
  return tf.tensor(values, shape);
}
