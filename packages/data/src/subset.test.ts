import { describe, expect, it } from 'vitest';
import { UsageError } from '@tensorpool/core';
import { head, subset } from './subset.js';
import type { ImageSet } from './types.js';

// 5 samples of [1, 2, 2]: sample i's pixels are 10i .. 10i + 3.
const set: ImageSet = {
  images: Uint8Array.from({ length: 20 }, (_, j) => 10 * Math.floor(j / 4) + (j % 4)),
  labels: Uint8Array.of(0, 1, 2, 0, 1),
  n: 5,
  shape: [1, 2, 2],
  classes: ['a', 'b', 'c'],
};

describe('subset / head', () => {
  it('subset copies the chosen samples, in order, into shared memory', () => {
    const s = subset(set, [4, 0, 4]);
    expect(s.n).toBe(3);
    expect(Array.from(s.images)).toEqual([40, 41, 42, 43, 0, 1, 2, 3, 40, 41, 42, 43]);
    expect(Array.from(s.labels)).toEqual([1, 0, 1]);
    expect(s.images.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(() => subset(set, [5])).toThrow(UsageError);
  });

  it('head is a view of the first samples, capped at n', () => {
    const h = head(set, 2);
    expect(h.images.buffer).toBe(set.images.buffer);
    expect(Array.from(h.labels)).toEqual([0, 1]);
    expect(h.images.length).toBe(8);
    expect(head(set, 99).n).toBe(5);
    expect(() => head(set, -1)).toThrow(UsageError);
  });
});
