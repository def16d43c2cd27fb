import { describe, expect, it } from 'vitest';
import { Random } from '@tensorpool/core';
import { initBackend } from './backend.js';
import { Replica, type GradientOptions } from './replica.js';
import { initialWeights } from './init.js';
import { dropoutMask } from './dropout.js';
import { layerInfos, weightManifest } from './manifest.js';
import { seedLayers } from './presets.js';
import type { ModelSpec } from './spec.js';
import { directionalChecks, referenceLoss, testBatch } from './reference-net.test-util.js';

/**
 * Acceptance: gradients of the whole seed network (full widths 32/64/512, 3
 * channels, 6 classes) on a 10x10 input (the smallest it accepts), computed on the wasm backend with our
 * training kernels, (1) match central finite differences of an independent
 * float64 implementation (directional derivative per weight tensor,
 * |g.d - FD| <= 1e-4 * max(|FD|, 1e-2), h = 1e-7), with and without dropout;
 * (2) match the cpu backend element-wise (with dropout on; the cpu backend
 * is slow), per weight tensor:
 * max|g_wasm - g_cpu| <= 1e-4 * max|g_cpu|.
 */
const spec: ModelSpec = { name: 'seed-10', inputShape: [10, 10, 3], labels: ['dogs', 'cats', 'monkeys', 'birds', 'fish', 'lizards'], layers: seedLayers(6) };
const n = 3;
const w = initialWeights(spec, 5);
{
  const r = new Random(6);
  for (const e of weightManifest(spec).entries) if (e.shape.length === 1) for (let j = 0; j < e.size; j++) w[e.offset + j] = r.uniform(-0.05, 0.05);
}
const { x, labels } = testBatch(spec, n, 12);
const plain: GradientOptions = { training: false, seed: 0, epoch: 0, sampleIds: [0, 1, 2] };
const dropout: GradientOptions = { training: true, seed: 8, epoch: 3, sampleIds: [5, 50, 500] };

async function gradientsOn(backend: 'wasm' | 'cpu', opts: GradientOptions) {
  await initBackend(backend);
  const replica = new Replica(spec);
  replica.setWeights(w);
  const g = new Float32Array(replica.manifest.total);
  const stats = replica.gradients(x, labels, n, opts, g);
  const entries = replica.manifest.entries;
  replica.dispose();
  return { g, stats, entries };
}

function maskFor(opts: GradientOptions) {
  const infos = layerInfos(spec);
  return (li: number) => {
    const l = spec.layers[li];
    if (!opts.training || l.type !== 'dropout') return null;
    return dropoutMask(n, infos[li].outputShape.reduce((a, b) => a * b, 1), l.rate, li, opts);
  };
}

describe('wasm gradients of the seed network', () => {
  it.each([['without dropout', plain], ['with dropout', dropout]] as const)('match float64 finite differences (%s)', async (_, opts) => {
    const { g, stats, entries } = await gradientsOn('wasm', opts);
    const mask = maskFor(opts);
    expect(stats.lossSum).toBeCloseTo(referenceLoss(spec, w, x, labels, n, mask), 4);
    for (const r of directionalChecks(spec, entries, g, w, x, labels, n, 77, mask)) {
      expect(Math.abs(r.analytic - r.fd), `${r.name}: analytic ${r.analytic} fd ${r.fd}`).toBeLessThanOrEqual(1e-4 * Math.max(Math.abs(r.fd), 1e-2));
    }
  });

  it('match the cpu backend within 1e-4 relative', async () => {
    for (const opts of [dropout]) {
      const a = await gradientsOn('wasm', opts);
      const b = await gradientsOn('cpu', opts);
      expect(a.stats.correct).toBe(b.stats.correct);
      expect(a.stats.lossSum).toBeCloseTo(b.stats.lossSum, 4);
      for (const e of a.entries) {
        let maxRef = 0;
        let maxDiff = 0;
        for (let j = e.offset; j < e.offset + e.size; j++) {
          maxRef = Math.max(maxRef, Math.abs(b.g[j]));
          maxDiff = Math.max(maxDiff, Math.abs(a.g[j] - b.g[j]));
        }
        expect(maxRef, e.name).toBeGreaterThan(0);
        expect(maxDiff, `${e.name} (training ${opts.training})`).toBeLessThanOrEqual(1e-4 * maxRef);
      }
    }
  });
});
