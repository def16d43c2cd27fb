/**
 * XNNPACK operators in the wasm backend are cached per tensor id: Conv2D,
 * FusedConv2D and DepthwiseConv2D keep the filter (and bias) packed from the
 * first call, BatchMatMul/_FusedMatMul keep the right operand packed. A tensor
 * whose heap storage is overwritten in place (e.g. weights written into a
 * tf.Variable's memory) is therefore still computed with its OLD values.
 *
 * markWrittenInPlace drops those cached operators: it unregisters the tensor's
 * id in the C++ backend (which runs the caches' disposal callbacks) and
 * registers the same memory again under the same id. The memory is not freed
 * or moved. Call it after every in-place write; a no-op on other backends.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackend } from './wasm.js';

interface WasmTensorData { id: number; memoryOffset: number; shape: number[]; dtype: tf.DataType }
interface WasmModuleTfjs { tfjs: { disposeData(id: number): void; registerTensor(id: number, size: number, memoryOffset: number): void } }

export function markWrittenInPlace(...tensors: tf.TensorInfo[]): void {
  if (tf.getBackend() !== 'wasm') return;
  const backend = tf.backend() as unknown as WasmBackend;
  const wasm = backend.wasm as unknown as WasmModuleTfjs;
  for (const t of tensors) {
    const data = backend.dataIdMap.get(t.dataId) as unknown as WasmTensorData | undefined;
    if (!data || data.dtype === 'string') continue;
    wasm.tfjs.disposeData(data.id);
    wasm.tfjs.registerTensor(data.id, tf.util.sizeFromShape(data.shape), data.memoryOffset);
  }
}
