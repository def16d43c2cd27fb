/**
 * Buffers that worker threads can read without a copy: every ImageSet's
 * images and labels live in a SharedArrayBuffer.
 */
import { DataError } from '@tensorpool/core';

/** A zero-filled Uint8Array of `length` bytes backed by a SharedArrayBuffer. */
export function sharedBytes(length: number, what = 'dataset'): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) throw new DataError(`cannot allocate ${length} bytes for ${what}`);
  try {
    return new Uint8Array(new SharedArrayBuffer(length));
  } catch (e) {
    throw new DataError(`cannot allocate ${length} bytes for ${what}: ${(e as Error).message}`, { cause: e });
  }
}

/** A shared copy of `src`. */
export function toShared(src: Uint8Array, what?: string): Uint8Array {
  const out = sharedBytes(src.length, what);
  out.set(src);
  return out;
}
