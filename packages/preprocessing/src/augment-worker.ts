import { workerData } from 'node:worker_threads';
import type { AugmentConfig } from './augment-config.js';
import { augmentBatch } from './augment.js';
import type { Normalization } from './normalization.js';
import { expandOfflineRange, OFFLINE_FACTOR } from './offline.js';

/** Sent once per thread (Piscina workerData): the shared source set and the pool's settings. */
export interface AugmentWorkerData {
  images: SharedArrayBuffer;
  imagesOffset: number;
  imagesLength: number;
  shape: [number, number, number];
  config: AugmentConfig;
  normalization: Normalization;
}

/** One slice of a batch: positions [from, to) of the shared index list, written to the shared output. */
export interface AugmentTask {
  kind: 'online';
  indices: SharedArrayBuffer; // Int32 sample indices of the whole batch
  from: number;
  to: number;
  out: SharedArrayBuffer;
  outOffset: number; // byte offset of the batch's image 0
  float: boolean; // out holds float32 (normalized) rather than uint8
  seed: number;
  epoch: number;
}

/** Offline expansion of source images [from, to) into the shared output (18 images each). */
export interface ExpandTask {
  kind: 'offline';
  from: number;
  to: number;
  out: SharedArrayBuffer; // [N * 18, h, w, c] uint8
}

const data = workerData as AugmentWorkerData;
const images = new Uint8Array(data.images, data.imagesOffset, data.imagesLength);
const size = data.shape[0] * data.shape[1] * data.shape[2];

export default function augmentSlice(t: AugmentTask | ExpandTask): void {
  if (t.kind === 'offline') {
    const out = new Uint8Array(t.out);
    expandOfflineRange(images, data.shape, t.from, t.to, out, t.from * OFFLINE_FACTOR * size, data.config.fill, data.config.fillValue);
    return;
  }
  const indices = new Int32Array(t.indices, 4 * t.from, t.to - t.from);
  const n = (t.to - t.from) * size;
  const out = t.float
    ? new Float32Array(t.out, t.outOffset + 4 * t.from * size, n)
    : new Uint8Array(t.out, t.outOffset + t.from * size, n);
  augmentBatch(images, indices, out, data.shape, data.config, t.seed, t.epoch, data.normalization);
}
