import { expect, it } from 'vitest';
import { IDENTITY_PARAMS } from './augment-config.js';
import { augmentOne } from './augment.js';
import { expandOffline, OFFLINE_ANGLES, OFFLINE_FACTOR } from './offline.js';
import type { ImageSet } from './shape.js';

const shape: [number, number, number] = [5, 5, 3];
const size = 75;
const set: ImageSet = {
  images: Uint8Array.from({ length: 3 * size }, (_, i) => (i * 41 + 3) % 256),
  labels: Uint8Array.from([2, 0, 1]),
  n: 3,
  shape,
  classes: ['a', 'b', 'c'],
};

it('expandOffline makes 18 images per source image, labels preserved in sample-major order', () => {
  const out = expandOffline(set);
  expect(OFFLINE_FACTOR).toBe(18);
  expect(OFFLINE_ANGLES).toEqual([-20, -15, -10, -5, 0, 5, 10, 15, 20]);
  expect(out.n).toBe(54);
  expect(out.images.length).toBe(54 * size);
  expect(out.images.buffer).toBeInstanceOf(SharedArrayBuffer);
  expect(out.shape).toEqual(shape);
  expect(out.classes).toEqual(set.classes);
  expect(Array.from(out.labels)).toEqual([...Array(18).fill(2), ...Array(18).fill(0), ...Array(18).fill(1)]);
});

it('variant i*18 + 2a + f is image i rotated by angle a, then mirrored when f = 1', () => {
  const out = expandOffline(set);
  const img1 = set.images.subarray(size, 2 * size);
  // a = 4 is 0°: the original, then its mirror.
  expect(out.images.subarray((18 + 8) * size, (18 + 9) * size)).toEqual(img1);
  const mirrored = new Uint8Array(size);
  augmentOne(img1, mirrored, shape, { ...IDENTITY_PARAMS, flip: true });
  expect(out.images.subarray((18 + 9) * size, (18 + 10) * size)).toEqual(mirrored);
  // a = 7 is +15°; f = 1 mirrors the rotated image.
  const rotated = new Uint8Array(size);
  augmentOne(img1, rotated, shape, { ...IDENTITY_PARAMS, rotation: 15 });
  expect(out.images.subarray((18 + 14) * size, (18 + 15) * size)).toEqual(rotated);
  const rotatedThenMirrored = new Uint8Array(size);
  augmentOne(rotated, rotatedThenMirrored, shape, { ...IDENTITY_PARAMS, flip: true });
  const got = out.images.subarray((18 + 15) * size, (18 + 16) * size);
  // Bilinear resampling of a mirror image is the mirror of the resampling up to rounding ties: allow 1.
  for (let i = 0; i < size; i++) expect(Math.abs(got[i] - rotatedThenMirrored[i])).toBeLessThanOrEqual(1);
});
