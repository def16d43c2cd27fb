import { UsageError } from '@tensorpool/core';
import { IDENTITY_PARAMS, type FillMode } from './augment-config.js';
import { augmentOne } from './augment.js';
import { sampleSize, type ImageSet, type ImageShape } from './shape.js';

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
  expandOfflineRange(set.images, set.shape, 0, set.n, images, 0, opts.fill ?? 'nearest', opts.fillValue ?? 0);
  return { images, labels: expandLabels(set.labels, set.n), n, shape: [...set.shape], classes: [...set.classes] };
}

/** Labels of the expansion: each of the first n labels repeated 18 times, in a SharedArrayBuffer. */
export function expandLabels(labels: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(n * OFFLINE_FACTOR));
  for (let i = 0; i < n; i++) out.fill(labels[i], i * OFFLINE_FACTOR, (i + 1) * OFFLINE_FACTOR);
  return out;
}

/**
 * Writes the 18 variants of source images [from, to) of `images` ([N, h, w, c])
 * to out, starting at element `outAt` (where variant 0 of image `from` goes).
 * Shared by expandOffline and the AugmentPool's threads.
 */
export function expandOfflineRange(
  images: Uint8Array, shape: ImageShape, from: number, to: number,
  out: Uint8Array, outAt: number, fill: FillMode, fillValue: number,
): void {
  const size = sampleSize(shape);
  let o = outAt;
  for (let i = from; i < to; i++) {
    for (const angle of OFFLINE_ANGLES) {
      for (const flip of [false, true]) {
        // Mirror after rotating by angle == rotate by -angle after mirroring (our params' order).
        const params = { ...IDENTITY_PARAMS, rotation: flip ? -angle : angle, flip };
        augmentOne(images, out, shape, params, { fill, fillValue, srcOffset: i * size, dstOffset: o });
        o += size;
      }
    }
  }
}
