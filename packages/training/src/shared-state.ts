/**
 * The SharedArrayBuffers the trainer and its threads share, with typed views
 * for both sides. Layout documented in @tensorpool/core protocol/thread.ts.
 */
import { INPUT_BUFFERS, type ThreadBuffers, type ThreadInit } from '@tensorpool/core';

export interface SharedViews {
  weights: Float32Array;
  adamM: Float32Array;
  adamV: Float32Array;
  grads: Float32Array[];
  /** [capacity, h, w, c] per buffer */
  inputs: Float32Array[];
  labels: Int32Array[];
  sampleIds: Int32Array[];
  predictions: Int32Array;
  /** [capacity, classes] */
  probabilities: Float32Array;
}

function sab(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(4, bytes));
}

/** Allocates the buffers: `slots` gradient slots, two input buffers of `capacity` samples of `sampleSize` floats. */
export function allocateBuffers(total: number, slots: number, capacity: number, sampleSize: number, classes: number): ThreadBuffers {
  const twice = <T>(f: () => T): T[] => Array.from({ length: INPUT_BUFFERS }, f);
  return {
    weights: sab(total * 4),
    adamM: sab(total * 4),
    adamV: sab(total * 4),
    grads: Array.from({ length: slots }, () => sab(total * 4)),
    inputs: twice(() => sab(capacity * sampleSize * 4)),
    labels: twice(() => sab(capacity * 4)),
    sampleIds: twice(() => sab(capacity * 4)),
    predictions: sab(capacity * 4),
    probabilities: sab(capacity * classes * 4),
  };
}

export function viewsOf(b: ThreadBuffers, total: number): SharedViews {
  const f = (s: SharedArrayBuffer, n?: number) => new Float32Array(s, 0, n);
  return {
    weights: f(b.weights, total),
    adamM: f(b.adamM, total),
    adamV: f(b.adamV, total),
    grads: b.grads.map((s) => f(s, total)),
    inputs: b.inputs.map((s) => f(s)),
    labels: b.labels.map((s) => new Int32Array(s)),
    sampleIds: b.sampleIds.map((s) => new Int32Array(s)),
    predictions: new Int32Array(b.predictions),
    probabilities: f(b.probabilities),
  };
}

/**
 * Parameter slices [start, end) for `parts` reduce/Adam tasks, cut at multiples
 * of 16 floats so two threads never write the same cache line.
 */
export function paramSlices(total: number, parts: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const per = Math.ceil(total / parts / 16) * 16;
  for (let s = 0; s < total; s += per) out.push([s, Math.min(total, s + per)]);
  return out;
}
