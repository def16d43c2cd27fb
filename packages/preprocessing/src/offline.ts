import { UsageError } from '@tensorpool/core';
import { IDENTITY_PARAMS, type FillMode } from './augment-config.js';
import { augmentOne } from './augment.js';
import { sampleSize, type ImageSet } from './shape.js';

/** Angles of the offline expansion: -20°, -15°, ..., +20° (9 angles). */
export const OFFLINE_ANGLES: readonly number[] = Object.freeze([-20, -15, -10, -5, 0, 5, 10, 15, 20]);
/** Images produced per source image: 9 angles x {as is, mirrored}. */
export const OFFLINE_FACTOR = OFFLINE_ANGLES.length * 2;

/**
 * The blog series' offline augmentation: every training image rotated from
 * -20° to +20° in 5° steps, and each rotated image also mirrored left-right:
 * 18 images per source image.
 *
 * Order (sample-major, as the blog's loop appends them): output index
 * i * 18 + 2 * a + f holds source image i rotated by OFFLINE_ANGLES[a]
 * (counter-clockwise), then mirrored when f = 1; its label is labels[i].
 * Output images are in a new SharedArrayBuffer (n * 18 images: mind memory on
 * large sets). fill defaults to 'nearest' (the blog used PIL, which fills black:
 * pass 'constant' for that).
 */
export function expandOffline(set: ImageSet, opts: { fill?: FillMode; fillValue?: number } = {}): ImageSet {
  const size = sampleSize(set.shape, 'expandOffline set.shape');
  if (!Number.isInteger(set.n) || set.n < 0 || set.images.length < set.n * size || set.labels.length < set.n) {
    throw new UsageError(`expandOffline: set claims ${set.n} images of ${JSON.stringify(set.shape)} but holds ${set.images.length} values and ${set.labels.length} labels`);
  }
  const n = set.n * OFFLINE_FACTOR;
  const images = new Uint8Array(new SharedArrayBuffer(n * size));
  const labels = new Uint8Array(new SharedArrayBuffer(n));
  let o = 0;
  for (let i = 0; i < set.n; i++) {
    for (const angle of OFFLINE_ANGLES) {
      for (const flip of [false, true]) {
        // Mirror after rotating by angle == rotate by -angle after mirroring (our params' order).
        const params = { ...IDENTITY_PARAMS, rotation: flip ? -angle : angle, flip };
        augmentOne(set.images, images, set.shape, params, { ...opts, srcOffset: i * size, dstOffset: o * size });
        labels[o++] = set.labels[i];
      }
    }
  }
  return { images, labels, n, shape: [...set.shape], classes: [...set.classes] };
}
