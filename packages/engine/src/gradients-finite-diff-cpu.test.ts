import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { Random } from '@tensorpool/core';
import { Replica } from './replica.js';
import { initialWeights } from './init.js';
import { dropoutMask } from './dropout.js';
import { layerInfos, weightManifest } from './manifest.js';
import { directionalChecks, referenceLoss, testBatch, tinySeedSpec } from './reference-net.test-util.js';

/**
 * Replica.gradients on the cpu backend vs central finite differences of an
 * independent float64 implementation of the whole seed-topology network
 * (10x10x1 input, 3 classes, n = 3). Checked as directional derivatives, one
 * random direction per weight tensor: |g.d - FD| <= 1e-4 * max(|FD|, 1e-2)
 * (float32 gradients, float64 FD with h = 1e-7).
 */
const spec = tinySeedSpec();
const n = 3;

function directionalChecksCpu(g: Float32Array, w: Float32Array, x: Float32Array, labels: Int32Array, mask?: (li: number) => Float32Array | null) {
  return directionalChecks(spec, weightManifest(spec).entries, g, w, x, labels, n, 99, mask);
}

describe('Replica.gradients matches finite differences (cpu)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  const w = initialWeights(spec, 7);
  // Non-zero biases so their gradients are exercised away from the symmetric start.
  const rb = new Random(5);
  for (const e of weightManifest(spec).entries) if (e.shape.length === 1) for (let j = 0; j < e.size; j++) w[e.offset + j] = rb.uniform(-0.05, 0.05);
  const { x, labels } = testBatch(spec, n, 11);

  it('without dropout: every weight tensor and the loss', () => {
    const replica = new Replica(spec);
    replica.setWeights(w);
    const g = new Float32Array(replica.manifest.total);
    const stats = replica.gradients(x, labels, n, { training: false, seed: 1, epoch: 0, sampleIds: [0, 1, 2] }, g);
    replica.dispose();
    expect(stats.count).toBe(n);
    expect(stats.lossSum).toBeCloseTo(referenceLoss(spec, w, x, labels, n), 4);
    const rows = directionalChecksCpu(g, w, x, labels);
    expect(rows).toHaveLength(12);
    for (const r of rows) {
      expect(Math.abs(r.analytic - r.fd), `${r.name}: analytic ${r.analytic} fd ${r.fd}`).toBeLessThanOrEqual(1e-4 * Math.max(Math.abs(r.fd), 1e-2));
    }
  });

  it('with dropout: masks drawn per sample from (seed, epoch, sampleId, layer)', () => {
    const opts = { training: true, seed: 3, epoch: 2, sampleIds: [10, 4, 7] };
    const replica = new Replica(spec);
    replica.setWeights(w);
    const g = new Float32Array(replica.manifest.total);
    const stats = replica.gradients(x, labels, n, opts, g);
    replica.dispose();
    const infos = layerInfos(spec);
    const mask = (li: number) => {
      const l = spec.layers[li];
      if (l.type !== 'dropout') return null;
      return dropoutMask(n, infos[li].outputShape.reduce((a, b) => a * b, 1), l.rate, li, opts);
    };
    expect(stats.lossSum).toBeCloseTo(referenceLoss(spec, w, x, labels, n, mask), 4);
    expect(Math.abs(stats.lossSum - referenceLoss(spec, w, x, labels, n))).toBeGreaterThan(1e-4);
    for (const r of directionalChecksCpu(g, w, x, labels, mask)) {
      expect(Math.abs(r.analytic - r.fd), `${r.name}: analytic ${r.analytic} fd ${r.fd}`).toBeLessThanOrEqual(1e-4 * Math.max(Math.abs(r.fd), 1e-2));
    }
  });
});
