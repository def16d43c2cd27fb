// `limit` keeps N samples per class in proportion, chosen by content: the
// same images whatever order the split is in (a folder's file order locally,
// the canonical label-sorted order of a stored dataset), and never only the
// first classes of a label-sorted split.
import { describe, expect, it } from 'vitest';
import { classQuotas, limitSamples } from './limit.js';
import { sampleBytes, subset } from './subset.js';
import type { ImageSet } from './types.js';

/** 30 / 30 / 40 samples of classes a, b, c, label-sorted (as a stored dataset), 2x2x1 with distinct pixels. */
function labelSorted(): ImageSet {
  const sizes = [30, 30, 40];
  const n = 100;
  const images = new Uint8Array(new SharedArrayBuffer(n * 4));
  for (let i = 0; i < images.length; i++) images[i] = (i * 37 + (i >> 2) * 11) & 255;
  for (let k = 0; k < n; k++) images[k * 4 + 3] = k; // every sample distinct
  const labels = Uint8Array.from(sizes.flatMap((s, c) => Array(s).fill(c)));
  return { images, labels, n, shape: [2, 2, 1], classes: ['a', 'b', 'c'] };
}

const contents = (s: ImageSet) => Array.from({ length: s.n }, (_, i) => `${s.labels[i]}:${s.images.subarray(i * sampleBytes(s), (i + 1) * sampleBytes(s)).join(',')}`);

describe('limitSamples', () => {
  it('keeps each class in proportion, not the first classes of a label-sorted split', () => {
    const kept = limitSamples(labelSorted(), 10);
    expect(kept.n).toBe(10);
    expect([0, 1, 2].map((c) => kept.labels.filter((l) => l === c).length)).toEqual([3, 3, 4]);
    // 3.3, 3.3, 4.4: the one left goes to the largest remainder (c).
    expect(classQuotas([30, 30, 40], ['a', 'b', 'c'], 11)).toEqual([3, 3, 5]);
    // 3.6, 3.6, 4.8: c, then the tie between 'b' (class 0) and 'a' (class 1) goes to the name that sorts first.
    expect(classQuotas([30, 30, 40], ['b', 'a', 'c'], 12)).toEqual([3, 4, 5]);
  });

  it('picks the same samples whatever the order of the split, and keeps the split order', () => {
    const set = labelSorted();
    const all = Array.from({ length: set.n }, (_, i) => i);
    const reversedInterleaved = subset(set, [...all.filter((i) => i % 2).reverse(), ...all.filter((i) => i % 2 === 0)]);
    const a = limitSamples(set, 17);
    const b = limitSamples(reversedInterleaved, 17);
    expect(contents(b).sort()).toEqual(contents(a).sort());
    // a is in the label-sorted order it came in.
    expect(Array.from(a.labels)).toEqual([...a.labels].sort());
    expect(contents(a)).not.toEqual(contents(subset(set, Array.from({ length: 17 }, (_, i) => i)))); // not the first 17
  });

  it('returns the split itself when the limit is not below its size, and refuses a negative limit', () => {
    const set = labelSorted();
    expect(limitSamples(set, 100)).toBe(set);
    expect(limitSamples(set, 0).n).toBe(0);
    expect(() => limitSamples(set, -1)).toThrow(/limit must be a non-negative integer/);
  });
});
