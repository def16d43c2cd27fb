/**
 * Test helpers: run the same computation on the cpu backend (reference) and on
 * wasm with our kernels, and compare with
 *   relErr(a, ref) = max|a - ref| / max(1, max|ref|).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorpool/core';
import { initBackend } from '../backend.js';

/** Tolerance for every kernel-vs-cpu comparison. */
export const TOLERANCE = 1e-4;

export function relErr(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (a.length !== ref.length) return Infinity;
  let diff = 0, scale = 1;
  for (let i = 0; i < ref.length; i++) {
    if (!Number.isFinite(a[i])) return Infinity;
    diff = Math.max(diff, Math.abs(a[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return diff / scale;
}

export function randomValues(rng: Random, size: number): Float32Array {
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.uniform(-1, 1);
  return v;
}

let ready = false;
/** wasm with all our kernels, once per test file. */
export async function setupWasm(): Promise<void> {
  if (!ready) await initBackend('wasm');
  ready = true;
}

/** Runs fn on `backend` and returns its output values and shape; all tensors made inside are freed. */
export async function runOn(backend: 'cpu' | 'wasm', fn: () => tf.Tensor): Promise<{ values: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const values = (await out.data()) as Float32Array;
  const shape = out.shape;
  out.dispose();
  return { values: Float32Array.from(values), shape };
}

/** fn on cpu and on wasm: both results and their relative error. */
export async function compareWithCpu(fn: () => tf.Tensor): Promise<{ err: number; shape: number[]; refShape: number[] }> {
  const ref = await runOn('cpu', fn);
  const got = await runOn('wasm', fn);
  return { err: relErr(got.values, ref.values), shape: got.shape, refShape: ref.shape };
}

/** Calls a kernel by name (what tfjs's gradient functions do). */
export function kernel(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}
