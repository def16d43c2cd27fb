import { describe, expect, it } from 'vitest';
import { splitIndices } from './split.js';

// 3 classes of 40, 20 and 8 samples, interleaved.
const labels = Uint8Array.from({ length: 68 }, (_, i) => (i < 60 ? i % 3 === 0 ? 1 : i % 3 === 1 ? 0 : i < 24 ? 2 : 0 : 0));
const countOf = (idx: Int32Array, c: number): number => Array.from(idx).filter((i) => labels[i] === c).length;

describe('splitIndices', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = splitIndices(labels, 3, 0.25, 42);
    expect(splitIndices(labels, 3, 0.25, 42)).toEqual(a);
    expect(splitIndices(labels, 3, 0.25, 43).test).not.toEqual(a.test);
  });

  it('is disjoint, covering, sorted and stratified per class', () => {
    const { train, test } = splitIndices(labels, 3, 0.25, 7);
    const all = [...train, ...test].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: labels.length }, (_, i) => i));
    expect(Array.from(test)).toEqual(Array.from(test).sort((x, y) => x - y));
    for (let c = 0; c < 3; c++) {
      const total = labels.filter((l) => l === c).length;
      expect(countOf(test, c)).toBe(Math.round(total * 0.25));
    }
  });

  it('testFraction 0 keeps everything for training', () => {
    const { train, test } = splitIndices(labels, 3, 0, 1);
    expect([train.length, test.length]).toEqual([68, 0]);
  });
});
