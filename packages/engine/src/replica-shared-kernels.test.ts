import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { gradientPieces, Replica, type ReplicaOptions } from './replica.js';
import { initialWeights } from './init.js';
import { testBatch, tinySeedSpec } from './reference-net.test-util.js';
import type { ModelSpec } from './spec.js';

/**
 * A replica that reads its dense kernels from the flat weight vector in blocks
 * (shareKernels, layers/dense-host.ts) computes the same numbers as one that
 * copies them into the backend: bit-identical predictions and gradients, here
 * with blocks small enough that every product runs in several uneven blocks.
 * Its gradient also arrives in exactly gradientPieces() pieces, the same
 * sequence for an empty batch. With batch normalization layers before and
 * after the host kernel, their four weights (moving statistics included) are
 * pieces of their own, in the same places.
 */
const SHARED: ReplicaOptions = { shareKernels: true, hostKernelMin: 40, hostBlockFloats: 20 };

/** tinySeedSpec with batch normalization after the first convolution and after the first (host-kernel) dense layer. */
function withBatchNorm(): ModelSpec {
  const spec = tinySeedSpec();
  const layers = [...spec.layers];
  layers.splice(layers.findIndex((l) => l.type === 'dense') + 1, 0, { type: 'batchNormalization' });
  layers.splice(1, 0, { type: 'batchNormalization' });
  return { ...spec, name: 'tiny-seed-bn', layers };
}

describe.each(['wasm', 'cpu'] as const)('Replica with shared kernels on %s', (backend) => {
  it.each([['plain', tinySeedSpec], ['batch norm', withBatchNorm]] as const)('%s: gives bit-identical predictions and gradients, in gradientPieces pieces', async (_, makeSpec) => {
    await initBackend(backend);
    const spec = makeSpec();
    const n = 5;
    const { x, labels } = testBatch(spec, n, 3);
    const w = initialWeights(spec, 7);
    const opts = { training: true, seed: 1, epoch: 0, sampleIds: [0, 1, 2, 3, 4] };

    const copying = new Replica(spec);
    copying.setWeights(w);
    const gRef = new Float32Array(copying.manifest.total);
    const sRef = copying.gradients(x, labels, n, opts, gRef);

    const shared = new Replica(spec, SHARED);
    shared.setWeights(w);
    const g = new Float32Array(shared.manifest.total);
    const pieces: Array<[number, number]> = [];
    const s = shared.gradients(x, labels, n, opts, (offset, values) => {
      pieces.push([offset, values.length]);
      g.set(values, offset);
    });
    expect(s).toEqual(sRef);
    expect(g).toEqual(gRef);
    expect(shared.predict(x, n)).toEqual(copying.predict(x, n));
    expect(shared.getWeights()).toEqual(w);
    expect(pieces.length).toBe(gradientPieces(spec, SHARED));
    expect(pieces.length).toBeGreaterThan(gradientPieces(spec));
    // Every weight exactly once.
    expect(pieces.reduce((a, [, len]) => a + len, 0)).toBe(shared.manifest.total);

    const empty: Array<[number, number]> = [];
    shared.gradients(x, labels, 0, opts, (offset, values) => empty.push([offset, values.length]));
    expect(empty).toEqual(pieces);
    copying.dispose();
    shared.dispose();
  });
});
