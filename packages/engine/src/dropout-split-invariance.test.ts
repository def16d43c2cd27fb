import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { Replica } from './replica.js';
import { initialWeights } from './init.js';
import { dropoutMask } from './dropout.js';
import { testBatch, tinySeedSpec } from './reference-net.test-util.js';

/**
 * With dropout on, the gradient of a batch equals the sum of the gradients of
 * its two halves (each sample keeps its own mask, whatever thread computes it).
 * Tolerance: 1e-5 * max|g| (float32 summation order differs).
 */
const spec = tinySeedSpec();
const n = 6;
const [h, w, c] = spec.inputShape;
const f = h * w * c;

describe('dropout masks are per sample', () => {
  it.each(['cpu', 'wasm'] as const)('batch gradient = sum of the gradients of its halves (%s)', async (backend) => {
    await initBackend(backend);
    const replica = new Replica(spec);
    replica.setWeights(initialWeights(spec, 1));
    const { x, labels } = testBatch(spec, n, 3);
    const ids = [40, 41, 7, 8, 1000, 3];
    const opts = (sampleIds: number[]) => ({ training: true, seed: 9, epoch: 1, sampleIds });
    const full = new Float32Array(replica.manifest.total);
    const a = new Float32Array(replica.manifest.total);
    const b = new Float32Array(replica.manifest.total);
    const sFull = replica.gradients(x, labels, n, opts(ids), full);
    const sA = replica.gradients(x.subarray(0, 2 * f), labels.subarray(0, 2), 2, opts(ids.slice(0, 2)), a);
    const sB = replica.gradients(x.subarray(2 * f), labels.subarray(2), 4, opts(ids.slice(2)), b);
    const noDrop = new Float32Array(replica.manifest.total);
    replica.gradients(x, labels, n, { ...opts(ids), training: false }, noDrop);
    replica.dispose();

    expect(sA.count + sB.count).toBe(sFull.count);
    expect(sA.correct + sB.correct).toBe(sFull.correct);
    expect(sA.lossSum + sB.lossSum).toBeCloseTo(sFull.lossSum, 4);
    let maxG = 0;
    let maxErr = 0;
    let maxDropDiff = 0;
    for (let i = 0; i < full.length; i++) {
      maxG = Math.max(maxG, Math.abs(full[i]));
      maxErr = Math.max(maxErr, Math.abs(full[i] - (a[i] + b[i])));
      maxDropDiff = Math.max(maxDropDiff, Math.abs(full[i] - noDrop[i]));
    }
    expect(maxErr).toBeLessThanOrEqual(1e-5 * maxG);
    // Dropout really was applied (otherwise the equality above would be trivial).
    expect(maxDropDiff).toBeGreaterThan(1e-3 * maxG);
  });

  it('a sample gets the same mask in any batch position, masks differ across samples/epochs, keep rate ~ 1 - rate', () => {
    const draw = { seed: 9, epoch: 1, sampleIds: [5, 6] };
    const m = dropoutMask(2, 4096, 0.25, 5, draw);
    const swapped = dropoutMask(2, 4096, 0.25, 5, { ...draw, sampleIds: [6, 5] });
    expect(Array.from(m.subarray(0, 4096))).toEqual(Array.from(swapped.subarray(4096)));
    expect(Array.from(m.subarray(0, 4096))).not.toEqual(Array.from(m.subarray(4096)));
    const nextEpoch = dropoutMask(2, 4096, 0.25, 5, { ...draw, epoch: 2 });
    expect(Array.from(nextEpoch)).not.toEqual(Array.from(m));
    const kept = m.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
    expect(Math.abs(kept.length / m.length - 0.75)).toBeLessThan(0.02);
  });
});
