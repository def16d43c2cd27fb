import { UsageError } from '@tensorpool/core';
import { describe, expect, it } from 'vitest';
import { gatherNormalize, normalizeInto } from './normalization.js';

// Two 1x2x3 images, values chosen to hit 0, 255 and odd values.
const shape = [1, 2, 3] as const;
const src = Uint8Array.from([0, 128, 255, 1, 2, 3, /* image 1 */ 10, 20, 30, 254, 100, 7]);

describe('normalizeInto / gatherNormalize values', () => {
  it('div256 gives x/256 exactly (the seed script)', () => {
    const out = new Float32Array(12);
    normalizeInto(src, out, 2, shape, 'div256');
    expect(Array.from(out)).toEqual(Array.from(src, (v) => v / 256));
    expect(out[2]).toBe(0.99609375);
  });

  it('div255 gives float32(x/255)', () => {
    const out = new Float32Array(12);
    normalizeInto(src, out, 2, shape, 'div255');
    expect(Array.from(out)).toEqual(Array.from(src, (v) => Math.fround(v / 255)));
    expect(out[2]).toBe(1);
  });

  it('mean/std standardizes per channel (hand-computed)', () => {
    const out = new Float32Array(12);
    normalizeInto(src, out, 2, shape, { mean: [10, 20, 30], std: [2, 4, 0.5] });
    const expected = [-5, 27, 450, -4.5, -4.5, -54, 0, 0, 0, 122, 20, -46];
    expect(Array.from(out)).toEqual(expected);
  });

  it('gatherNormalize reads samples by index, in index order, repeats allowed', () => {
    const out = new Float32Array(18).fill(-1);
    gatherNormalize(src, [1, 0, 1], out, shape, 'div256');
    const expect1 = Array.from(src.subarray(6), (v) => v / 256);
    const expect0 = Array.from(src.subarray(0, 6), (v) => v / 256);
    expect(Array.from(out)).toEqual([...expect1, ...expect0, ...expect1]);
  });

  it('rejects bad modes, wrong channel counts, zero std and out-of-range indices', () => {
    const out = new Float32Array(12);
    expect(() => normalizeInto(src, out, 2, shape, 'div100' as never)).toThrow(UsageError);
    expect(() => normalizeInto(src, out, 2, shape, { mean: [0], std: [1] })).toThrow(/3 finite numbers/);
    expect(() => normalizeInto(src, out, 2, shape, { mean: [0, 0, 0], std: [1, 0, 1] })).toThrow(/std\[1\]/);
    expect(() => normalizeInto(src, new Float32Array(6), 2, shape, 'div256')).toThrow(UsageError);
    expect(() => gatherNormalize(src, [2], out, shape, 'div256')).toThrow(/outside the set of 2/);
  });
});
