/**
 * Fills one input buffer of the shared layout with a batch: gather the uint8
 * samples at `indices`, augment them (online mode) and normalize, fused into
 * one pass per sample, plus labels and global sample ids.
 * Runs on the trainer's thread while the pool computes the previous batch.
 */
import { augmentBatch, gatherNormalize, type Normalization } from '@tensorpool/preprocessing';
import type { ImageSet } from '@tensorpool/data';
import type { SharedViews } from './shared-state.js';
import type { AugmentMode } from './types.js';

export interface BatchSource {
  set: ImageSet;
  normalization: Normalization;
  augment: AugmentMode;
  seed: number;
  epoch: number;
}

/** Writes samples `indices` of src.set into input buffer `buffer` [indices.length, h, w, c]. */
export function fillBuffer(views: SharedViews, buffer: number, src: BatchSource, indices: Int32Array): void {
  const { set } = src;
  const [h, w, c] = set.shape;
  const n = indices.length;
  const out = views.inputs[buffer].subarray(0, n * h * w * c);
  if (src.augment === 'online') {
    augmentBatch(set.images, indices, out, set.shape, {}, src.seed, src.epoch, src.normalization);
  } else {
    gatherNormalize(set.images, indices, out, set.shape, src.normalization);
  }
  const labels = views.labels[buffer];
  const ids = views.sampleIds[buffer];
  for (let k = 0; k < n; k++) {
    labels[k] = set.labels[indices[k]];
    ids[k] = indices[k];
  }
}
