// The outer optimizer: 'average' is exactly the pre-rounds weighted average;
// momentum and nesterov follow FedAvgM / DiLoCo on the pseudo-gradient.
import { describe, expect, it } from 'vitest';
import { outerStep } from './outer.js';
import { weightedAverage } from './average.js';

const start = Float32Array.from([1, -2, 0.5]);
const avg = Float64Array.from([0.5, -1, 0.25]); // Δ = [0.5, -1, 0.25]

describe('outer step', () => {
  it("'average' returns the float64 average rounded once, bit for bit what weightedAverage returns", () => {
    const shards = [Float32Array.from([0.1, 0.7, 1e-8]), Float32Array.from([0.3, -5, 3])];
    const samples = [3, 7];
    const acc = new Float64Array(3);
    for (let k = 0; k < 2; k++) for (let i = 0; i < 3; i++) acc[i] += (samples[k] / 10) * shards[k][i];
    const r = outerStep(Float32Array.from([9, 9, 9]), acc, undefined, { outer: 'average', outerLr: 0.7, outerMomentum: 0.9 });
    expect(Array.from(r.weights)).toEqual(Array.from(weightedAverage(shards, samples)));
    expect(r.u).toBeUndefined();
  });

  it('momentum: u = μu + Δ, W - lr·u', () => {
    const first = outerStep(start, avg, undefined, { outer: 'momentum', outerLr: 0.5, outerMomentum: 0.9 });
    expect(Array.from(first.u!)).toEqual([0.5, -1, 0.25]);
    expect(Array.from(first.weights)).toEqual([0.75, -1.5, 0.375]);
    const second = outerStep(start, avg, first.u, { outer: 'momentum', outerLr: 0.5, outerMomentum: 0.9 });
    expect(second.u![0]).toBeCloseTo(0.95, 6);
    expect(second.weights[0]).toBeCloseTo(1 - 0.5 * 0.95, 6);
  });

  it('nesterov: W - lr·(Δ + μu); lr 1, μ 0 is plain averaging', () => {
    const u = Float32Array.from([1, 1, 1]);
    const r = outerStep(start, avg, u, { outer: 'nesterov', outerLr: 0.7, outerMomentum: 0.9 });
    const u0 = 0.9 * 1 + 0.5;
    expect(r.u![0]).toBeCloseTo(u0, 6);
    expect(r.weights[0]).toBeCloseTo(1 - 0.7 * (0.5 + 0.9 * u0), 6);
    const plain = outerStep(start, avg, undefined, { outer: 'nesterov', outerLr: 1, outerMomentum: 0 });
    expect(Array.from(plain.weights)).toEqual(Array.from(Float32Array.from(avg)));
  });

  it('plain entries (moving statistics) take the average and keep no momentum, whatever the outer optimizer', () => {
    for (const outer of ['momentum', 'nesterov'] as const) {
      const r = outerStep(start, avg, Float32Array.from([1, 1, 1]), { outer, outerLr: 0.7, outerMomentum: 0.9 }, [{ offset: 1, size: 1 }]);
      expect(r.weights[1]).toBe(-1);
      expect(r.u![1]).toBe(0);
      expect(r.weights[0]).not.toBeCloseTo(0.5, 3);
    }
  });
});
