import { describe, expect, it } from 'vitest';
import { weightedAverage } from './average.js';

describe('weightedAverage', () => {
  it('weights by sample count, computed in float64', () => {
    const a = Float32Array.from([1, 2, 3]);
    const b = Float32Array.from([4, 5, 6]);
    const r = weightedAverage([a, b], [1, 3]);
    // Reference in float64: (1*a + 3*b) / 4.
    for (let i = 0; i < 3; i++) expect(r[i]).toBeCloseTo((a[i] + 3 * b[i]) / 4, 6);
  });

  it('does not lose small contributions the way float32 accumulation would', () => {
    // 1e8 + many small values: float32 would drop them (ulp(1e8) = 8).
    const shards = 1000;
    const vecs = Array.from({ length: shards }, (_, k) => Float32Array.from([k === 0 ? 1e8 : 1]));
    const samples = new Array(shards).fill(1);
    const r = weightedAverage(vecs, samples);
    const exact = (1e8 + (shards - 1)) / shards;
    expect(Math.abs(r[0] - exact) / exact).toBeLessThan(1e-7);
    let f32 = Math.fround(0);
    for (const v of vecs) f32 = Math.fround(f32 + Math.fround(v[0] / shards));
    expect(Math.abs(f32 - exact)).toBeGreaterThan(Math.abs(r[0] - exact));
  });

  it('ignores shards with 0 samples and refuses mismatched sizes', () => {
    const r = weightedAverage([Float32Array.from([2]), Float32Array.from([NaN])], [5, 0]);
    expect(r[0]).toBe(2);
    expect(() => weightedAverage([new Float32Array(2), new Float32Array(3)], [1, 1])).toThrow(/shard 1 has 3 values/);
    expect(() => weightedAverage([new Float32Array(2)], [0])).toThrow(/0 samples/);
  });
});
