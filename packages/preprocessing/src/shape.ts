import { UsageError } from '@tensorpool/core';

/** [h, w, c] of one image. */
export type ImageShape = readonly [number, number, number];

/** The uint8 image set of @tensorpool/core (the same type the dataset readers return). */
export type { ImageSet } from '@tensorpool/core';

/** Validates [h, w, c] and returns h*w*c (values per image). */
export function sampleSize(shape: ImageShape, what = 'shape'): number {
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new UsageError(`${what} must be [h, w, c] with positive integers, got ${JSON.stringify(shape)}`);
  }
  return shape[0] * shape[1] * shape[2];
}

/** Throws unless `buf` holds at least `n` images of `size` values. */
export function checkLength(buf: ArrayLike<number>, n: number, size: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${what}: n must be a non-negative integer, got ${n}`);
  if (buf.length < n * size) {
    throw new UsageError(`${what} holds ${buf.length} values, needs ${n} x ${size} = ${n * size}`);
  }
}
