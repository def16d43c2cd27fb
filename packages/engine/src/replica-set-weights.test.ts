import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { Replica } from './replica.js';
import { initialWeights } from './init.js';
import { testBatch, tinySeedSpec } from './reference-net.test-util.js';

/**
 * setWeights writes into the variables' storage in place; afterwards the
 * replica must compute with the NEW weights on every backend (wasm's XNNPACK
 * caches packed conv/matmul weights per tensor): a reused replica gives
 * bit-identical predictions and gradients to a fresh one.
 */
describe.each(['wasm', 'cpu'] as const)('Replica.setWeights on %s', (backend) => {
  it('a reused replica equals a fresh replica with the new weights', async () => {
    await initBackend(backend);
    const spec = tinySeedSpec();
    const { x, labels } = testBatch(spec, 4, 2);
    const w1 = initialWeights(spec, 1);
    const w2 = initialWeights(spec, 2);
    const opts = { training: true, seed: 1, epoch: 0, sampleIds: [0, 1, 2, 3] };

    const reused = new Replica(spec);
    reused.setWeights(w1);
    const p1 = reused.predict(x, 4);
    const g1 = new Float32Array(reused.manifest.total);
    reused.gradients(x, labels, 4, opts, g1);
    reused.setWeights(w2);
    const p2 = reused.predict(x, 4);
    const g2 = new Float32Array(reused.manifest.total);
    reused.gradients(x, labels, 4, opts, g2);
    expect(reused.getWeights()).toEqual(w2);

    const fresh = new Replica(spec);
    fresh.setWeights(w2);
    const g2ref = new Float32Array(fresh.manifest.total);
    fresh.gradients(x, labels, 4, opts, g2ref);
    expect(p2).toEqual(fresh.predict(x, 4));
    expect(g2).toEqual(g2ref);
    expect(p2).not.toEqual(p1);
    reused.dispose();
    fresh.dispose();
  });
});
