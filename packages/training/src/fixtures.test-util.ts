/**
 * Small fixtures for the training tests: the seed topology at 12x12x1 with few
 * filters (fast on any backend), and a deterministic synthetic image set whose
 * class is visible in the pixels so a few steps already learn something.
 */
import { Random } from '@tensorpool/core';
import type { LayerSpec, ModelSpec } from '@tensorpool/engine';
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

/** Backend of the test process, the same as the trainer threads use. TEMPORARY shim until engine exports initBackend. */
export async function initTestBackend(name: 'wasm' | 'cpu' = 'wasm'): Promise<string> {
  const engine = (await import('@tensorpool/engine')) as unknown as { initBackend?: (n: string) => Promise<string> };
  if (engine.initBackend) return engine.initBackend(name);
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  return 'cpu';
}
