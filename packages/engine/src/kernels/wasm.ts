/**
 * Small helpers shared by our wasm training kernels. Kernels run inside the
 * tfjs wasm backend: their inputs and outputs are TensorInfos whose data live on
 * the wasm heap, and they may call the backend's stock kernels directly.
 *
 * Heap views (Float32Array over wasm memory) go stale when the heap grows, so
 * kernels allocate every output first and take views afterwards.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '@tensorpool/core';

export type WasmBackend = BackendWasm;
export type Attrs = tf.NamedAttrMap;
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: WasmBackend;
  attrs: Attrs;
}
export type WasmKernel = (args: KernelArgs) => tf.TensorInfo;

/** The stock wasm kernels, captured before we replace any of them. */
const stockKernels = new Map<string, tf.KernelConfig>();

/** Remember the stock config of `name` (first call wins: later calls see our replacement). */
export function captureStock(name: string): tf.KernelConfig | undefined {
  if (!stockKernels.has(name)) {
    const k = tf.getKernel(name, 'wasm');
    if (k) stockKernels.set(name, k);
  }
  return stockKernels.get(name);
}

/** The stock wasm kernel function for `name` (never one of ours). */
export function stock(name: string): WasmKernel {
  const k = stockKernels.get(name) ?? tf.getKernel(name, 'wasm');
  if (!k) throw new BackendError(`the wasm backend has no '${name}' kernel; is @tensorflow/tfjs-backend-wasm 4.22 installed?`);
  return k.kernelFunc as unknown as WasmKernel;
}

/** Float32 view of a tensor's data on the wasm heap (valid until the next allocation). */
export function heapF32(backend: WasmBackend, t: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** The same data seen with another shape (no copy, no ref count: only to pass as a kernel input). */
export function view(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

export function disposeAll(backend: WasmBackend, infos: tf.TensorInfo[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

/** Our kernels cover channels-last float32 data; anything else is refused, never computed wrong. */
export function requireNHWC(kernel: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new BackendError(`${kernel} on wasm supports only channels-last (NHWC) data, got dataFormat '${String(dataFormat)}'; use channels-last tensors`);
  }
}

export function requireFloat32(kernel: string, ...infos: tf.TensorInfo[]): void {
  for (const t of infos) {
    if (t.dtype !== 'float32') throw new BackendError(`${kernel} on wasm supports only float32 tensors, got ${t.dtype}`);
  }
}

/**
 * The im2col filter-gradient routes accumulate rows ordered (inChannel, a, b),
 * each of `co` values, in float32; the kernel's output is [kh, kw, C, co].
 */
export function filterFromRows(backend: WasmBackend, acc: Float32Array, kh: number, kw: number, C: number, co: number): tf.TensorInfo {
  const res = backend.makeOutput([kh, kw, C, co], 'float32');
  const rs = heapF32(backend, res);
  for (let i = 0, row = 0; i < C; i++) {
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++, row++) rs.set(acc.subarray(row * co, row * co + co), ((a * kw + b) * C + i) * co);
    }
  }
  return res;
}
