import { describe, expect, it } from 'vitest';
import { initialWeights } from './init.js';
import { weightManifest } from './manifest.js';
import { getPreset } from './presets.js';

/**
 * initialWeights: a pure function of (spec, seed); glorot-uniform kernels with
 * Keras's fans (conv: receptive field x channels), zero biases.
 */
describe('initial weights', () => {
  const spec = getPreset('fashion-mnist');
  const m = weightManifest(spec);

  it('same seed -> identical vector; different seed -> different vector', () => {
    const a = initialWeights(spec, 42);
    const again = initialWeights(spec, 42);
    const b = initialWeights(spec, 43);
    expect(again.length).toBe(m.total);
    // Plain loops: vitest's deep equality is very slow on 889k elements.
    let differ = 0;
    let same = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== again[i]) differ++;
      if (a[i] === b[i]) same++;
    }
    expect(differ).toBe(0);
    expect(same).toBeLessThan(m.total * 0.01 + 1000); // the zero biases agree
  });

  it('kernels are uniform within ±sqrt(6/(fan_in+fan_out)) with the matching variance; biases are zero', () => {
    const w = initialWeights(spec, 7);
    const fans: Record<string, [number, number]> = {
      'conv2d_1/kernel': [9 * 1, 9 * 32],
      'conv2d_2/kernel': [9 * 32, 9 * 32],
      'conv2d_3/kernel': [9 * 32, 9 * 64],
      'conv2d_4/kernel': [9 * 64, 9 * 64],
      'dense_1/kernel': [1600, 512],
      'dense_2/kernel': [512, 10],
    };
    for (const e of m.entries) {
      const v = w.subarray(e.offset, e.offset + e.size);
      if (e.shape.length === 1) {
        expect(v.every((x) => x === 0), e.name).toBe(true);
        continue;
      }
      const [fanIn, fanOut] = fans[e.name];
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      let max = 0;
      let sumSq = 0;
      let sum = 0;
      for (const x of v) {
        max = Math.max(max, Math.abs(x));
        sum += x;
        sumSq += x * x;
      }
      expect(max, e.name).toBeLessThanOrEqual(Math.fround(limit));
      expect(max, e.name).toBeGreaterThan(0.9 * limit);
      // Uniform(-L, L): mean 0, variance L^2/3; 5 standard errors (smallest tensor has 288 values).
      const n = v.length;
      expect(Math.abs(sum / n), e.name).toBeLessThan(5 * limit / Math.sqrt(3 * n));
      expect(Math.abs(sumSq / n / (limit * limit / 3) - 1), e.name).toBeLessThan(5 * Math.sqrt(0.8 / n));
    }
  });
});
