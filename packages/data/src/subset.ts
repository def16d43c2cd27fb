/** Selecting samples of an ImageSet without touching the others. */
import { UsageError } from '@tensorpool/core';
import type { ImageSet } from './types.js';
import { sharedBytes } from './shared.js';

/** Number of bytes of one sample: h * w * c. */
export function sampleBytes(set: Pick<ImageSet, 'shape'>): number {
  return set.shape[0] * set.shape[1] * set.shape[2];
}

/** A shared copy of the samples at `indices` (in that order); costs only the selected bytes. */
export function subset(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const per = sampleBytes(set);
  const m = indices.length;
  const images = sharedBytes(m * per, 'subset');
  const labels = sharedBytes(m, 'subset labels');
  for (let k = 0; k < m; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= set.n) throw new UsageError(`subset index ${i} is outside 0..${set.n - 1}`);
    images.set(set.images.subarray(i * per, (i + 1) * per), k * per);
    labels[k] = set.labels[i];
  }
  return { images, labels, n: m, shape: [...set.shape], classes: set.classes };
}

/** The first `count` samples as a zero-copy view (still SharedArrayBuffer-backed). */
export function head(set: ImageSet, count: number): ImageSet {
  if (!Number.isSafeInteger(count) || count < 0) throw new UsageError(`limit must be a non-negative integer, got ${count}`);
  const m = Math.min(count, set.n);
  const per = sampleBytes(set);
  return { images: set.images.subarray(0, m * per), labels: set.labels.subarray(0, m), n: m, shape: [...set.shape], classes: set.classes };
}
