import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from './backend.js';
import { Replica } from './replica.js';
import { loadModel } from './model-file.js';
import { FIXTURE_SPEC, fixtureWeights, writeKerasFixture } from './keras-fixture.test-util.js';
import { referenceLoss, testBatch } from './reference-net.test-util.js';

/**
 * A .h5 laid out as tf-keras + h5py 3 write it (variable-length strings, an
 * InputLayer, Keras's own layer names) imports as the spec and weights we
 * know, and predicts what the engine's forward pass computes on those weights
 * (1e-5) and what an independent float64 forward pass computes.
 */
describe('a Keras-written .h5 model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tensorpool-kerasfix-'));
  const file = join(dir, 'keras.h5');
  beforeAll(async () => {
    await initBackend('cpu');
    await writeKerasFixture(file);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports as our spec with generic labels and the exact weights, and predicts like the engine and the float64 reference', async () => {
    const m = await loadModel(file);
    expect(m.spec).toEqual(FIXTURE_SPEC);
    expect(m.metadata).toEqual({});
    const w = fixtureWeights();
    expect(m.weights).toEqual(w);

    const n = 3;
    const { x, labels } = testBatch(FIXTURE_SPEC, n, 17);
    const engine = new Replica(FIXTURE_SPEC);
    engine.setWeights(w);
    const want = engine.predict(x, n);
    engine.dispose();
    const imported = new Replica(m.spec);
    imported.setWeights(m.weights);
    const got = imported.predict(x, n);
    imported.dispose();
    expect(got.length).toBe(n * 3);
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-5);
    const size = 6 * 6 * 2;
    for (let b = 0; b < n; b++) {
      const ref = referenceLoss(FIXTURE_SPEC, w, x.subarray(b * size), [labels[b]], 1);
      expect(Math.abs(-Math.log(got[b * 3 + labels[b]]) - ref)).toBeLessThanOrEqual(1e-5);
    }
  });
});
