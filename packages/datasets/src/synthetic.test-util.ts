/** Small in-memory datasets with pseudo-random pixels (no files), for store and cache tests. */
import type { DatasetSplits, ImageSet } from '@tensorpool/data';

function set(n: number, seed: number, shape: [number, number, number], classes: string[]): ImageSet {
  const images = new Uint8Array(new SharedArrayBuffer(n * shape[0] * shape[1] * shape[2]));
  let x = (seed * 2654435761 + 7) >>> 0;
  for (let i = 0; i < images.length; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    images[i] = x >>> 24;
  }
  const labels = Uint8Array.from({ length: n }, (_, i) => i % classes.length);
  return { images, labels, n, shape, classes };
}

/** `n` train and n/4 test images of 8x8x3 in 3 classes; `seed` changes every pixel. */
export function syntheticSplits(n: number, seed: number, shape: [number, number, number] = [8, 8, 3]): DatasetSplits {
  const classes = ['a', 'b', 'c'];
  return { source: `synthetic ${seed}`, train: set(n, seed, shape, classes), test: set(Math.ceil(n / 4), seed + 1000, shape, classes) };
}
