// The validation hold-out (train --validation-split, a job's validationSplit):
// stratified, drawn by seed, a partition of the training split, independent of
// the test split's draw, and the same for the same labels and seed; given the
// images, the same images whatever the order of the split.
import { describe, expect, it } from 'vitest';
import { splitIndices, validationIndices } from './split.js';
import { subset } from './subset.js';
import type { ImageSet } from './types.js';

const labels = Uint8Array.from({ length: 200 }, (_, i) => (i < 120 ? 0 : i < 180 ? 1 : 2)); // class-sorted, as a store's canonical order

describe('validationIndices', () => {
  it('holds out the fraction of every class, partitions the split, and is deterministic by seed', () => {
    const a = validationIndices(labels, 3, 0.25, 7);
    expect(a.validation.length).toBe(30 + 15 + 5);
    const counts = [0, 0, 0];
    for (const i of a.validation) counts[labels[i]]++;
    expect(counts).toEqual([30, 15, 5]); // every class, not the last fraction (which would be class 2 only)
    expect([...a.train, ...a.validation].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(validationIndices(labels, 3, 0.25, 7)).toEqual(a);
    expect(validationIndices(labels, 3, 0.25, 8).validation).not.toEqual(a.validation);
    // Its own random streams: not the test split's draw with the same seed.
    expect(a.validation).not.toEqual(splitIndices(labels, 3, 0.25, 7).test);
  });

  it('given the images, holds out the same images whatever the order of the split (a folder vs its stored copy)', () => {
    const images = new Uint8Array(new SharedArrayBuffer(200 * 4));
    for (let k = 0; k < 200; k++) images.set([k & 255, (k * 7) & 255, (k * 13) & 255, k >> 2], k * 4);
    const set: ImageSet = { images, labels, n: 200, shape: [2, 2, 1], classes: ['a', 'b', 'c'] };
    const all = Array.from({ length: 200 }, (_, i) => i);
    const shuffled = subset(set, [...all.filter((i) => i % 3 === 1), ...all.filter((i) => i % 3 !== 1).reverse()]);
    const pixels = (s: ImageSet, idx: Int32Array) => Array.from(idx, (i) => s.images.subarray(i * 4, i * 4 + 4).join(',')).sort();
    const a = validationIndices(set.labels, 3, 0.25, 7, set);
    const b = validationIndices(shuffled.labels, 3, 0.25, 7, shuffled);
    expect(pixels(shuffled, b.validation)).toEqual(pixels(set, a.validation));
    // Without the images the draw is by position: another order holds out other images.
    const c = validationIndices(shuffled.labels, 3, 0.25, 7);
    expect(pixels(shuffled, c.validation)).not.toEqual(pixels(set, validationIndices(set.labels, 3, 0.25, 7).validation));
  });

  it('holds out nothing at 0 and refuses fractions outside [0, 1)', () => {
    expect(validationIndices(labels, 3, 0, 1).validation.length).toBe(0);
    expect(() => validationIndices(labels, 3, 1, 1)).toThrow(/validationSplit must be in \[0, 1\), got 1/);
  });
});
