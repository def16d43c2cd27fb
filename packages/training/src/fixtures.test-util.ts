/**
 * Small fixtures for the training tests: the seed topology at 12x12x1 with few
 * filters (fast on any backend), and a deterministic synthetic image set whose
 * class is visible in the pixels so a few steps already learn something.
 */
import { Random } from '@tensorpool/core';
import { ADAM_DEFAULTS, Replica, initBackend, initialWeights, movingEntries, optimizerStep, weightManifest, type LayerSpec, type ModelSpec } from '@tensorpool/engine';
import { gatherNormalize } from '@tensorpool/preprocessing';
import { Trainer } from './trainer.js';
import type { ImageSet } from '@tensorpool/data';

export function tinySpec(dropout: boolean): ModelSpec {
  const d = (rate: number): LayerSpec[] => (dropout ? [{ type: 'dropout', rate }] : []);
  return {
    name: 'tiny',
    inputShape: [12, 12, 1],
    labels: ['a', 'b', 'c'],
    layers: [
      { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same' },
      { type: 'activation', activation: 'relu' },
      { type: 'conv2d', filters: 4, kernelSize: 3 },
      { type: 'activation', activation: 'relu' },
      { type: 'maxPooling2d', poolSize: 2 },
      ...d(0.25),
      { type: 'flatten' },
      { type: 'dense', units: 16 },
      { type: 'activation', activation: 'relu' },
      ...d(0.5),
      { type: 'dense', units: 3 },
      { type: 'activation', activation: 'softmax' },
    ],
  };
}

/** n images [12, 12, 1]: class k brightens row band k; noise elsewhere. */
export function syntheticSet(n: number, seed = 7): ImageSet {
  const r = new Random(seed);
  const images = new Uint8Array(new SharedArrayBuffer(n * 144));
  const labels = new Uint8Array(new SharedArrayBuffer(n));
  for (let i = 0; i < n; i++) {
    const k = r.int(3);
    labels[i] = k;
    for (let p = 0; p < 144; p++) {
      const row = Math.floor(p / 12);
      images[i * 144 + p] = Math.floor(r.next() * 80) + (Math.floor(row / 4) === k ? 150 : 0);
    }
  }
  return { images, labels, n, shape: [12, 12, 1], classes: ['a', 'b', 'c'] };
}

/** ||a - b|| / ||b|| */
export function relativeError(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d / n);
}

/** Backend of the test process, the same as the trainer threads use. */
export async function initTestBackend(name: 'wasm' | 'cpu' = 'wasm'): Promise<string> {
  return initBackend(name);
}

/** The plain way: whole global batch on one replica in this process, mean gradient, Adam (and moving statistics: optimizerStep). */
export function referenceRun(spec: ModelSpec, set: ImageSet, seed: number, batch: number, epochs: number): Float32Array {
  const replica = new Replica(spec);
  const total = weightManifest(spec).total;
  const moving = movingEntries(weightManifest(spec));
  const size = set.shape[0] * set.shape[1] * set.shape[2];
  const w = initialWeights(spec, seed);
  const m = new Float32Array(total);
  const v = new Float32Array(total);
  const g = new Float32Array(total);
  let t = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = Trainer.epochSamples(set.n, undefined, seed, epoch);
    for (let s = 0; s < order.length; s += batch) {
      const idx = order.subarray(s, s + batch);
      const x = new Float32Array(idx.length * size);
      gatherNormalize(set.images, idx, x, set.shape, 'div256');
      const labels = Array.from(idx, (i) => set.labels[i]);
      replica.setWeights(w);
      replica.gradients(x, labels, idx.length, { training: true, seed, epoch, sampleIds: idx }, g);
      const scale = 1 / idx.length;
      for (let i = 0; i < total; i++) g[i] *= scale;
      optimizerStep(w, g, m, v, ++t, ADAM_DEFAULTS, moving);
    }
  }
  replica.dispose();
  return w;
}

/** The same run on a Trainer with `threads` threads (and `microBatches` per step, default one per thread). */
export async function parallelRun(spec: ModelSpec, set: ImageSet, seed: number, batch: number, epochs: number, threads: number, backend: string, microBatches?: number): Promise<Float32Array> {
  const trainer = await Trainer.create({ spec, threads, batchSize: batch, backend: backend as 'wasm' | 'cpu', microBatches });
  try {
    trainer.setWeights(initialWeights(spec, seed));
    for (let epoch = 0; epoch < epochs; epoch++) {
      await trainer.runEpoch({ train: set, epoch, seed, batchSize: batch, augment: 'none', normalization: 'div256' });
    }
    return trainer.getWeights();
  } finally {
    await trainer.close();
  }
}
