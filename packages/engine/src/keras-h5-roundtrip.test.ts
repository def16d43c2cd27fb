import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from './backend.js';
import { Replica } from './replica.js';
import { initialWeights } from './init.js';
import { layerInfos, weightManifest } from './manifest.js';
import { loadModel, saveModel } from './model-file.js';
import { h5wasm, type H5Dataset } from './h5.js';
import { testBatch, tinySeedSpec } from './reference-net.test-util.js';

/**
 * ours -> .h5 -> ours and ours -> .keras -> ours give the same spec, metadata,
 * bit-identical weights and identical predictions; .h5 -> tfjs directory ->
 * .h5 keeps every byte of every weight dataset.
 */
describe('Keras .h5 / .keras round trips', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tensorpool-kerash5-'));
  // Labels outside ASCII travel as JSON \u escapes in the fixed-length ASCII attributes.
  const spec = { ...tinySeedSpec(), labels: ['T-shirt/top', 'crème brûlée', '猫'] };
  const weights = initialWeights(spec, 5);
  const metadata = { labels: spec.labels, inputShape: spec.inputShape, normalization: { mean: [0.25], std: [0.5] } };
  const { x } = testBatch(spec, 4, 9);
  let expected: Float32Array;
  beforeAll(async () => {
    await initBackend('cpu');
    const r = new Replica(spec);
    r.setWeights(weights);
    expected = r.predict(x, 4);
    r.dispose();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function predictWith(path: string) {
    const m = await loadModel(path);
    const r = new Replica(m.spec);
    r.setWeights(m.weights);
    const p = r.predict(x, 4);
    r.dispose();
    return { m, p };
  }

  it.each(['h5', 'keras'] as const)('ours -> .%s -> ours: same spec and metadata, bit-identical weights and predictions', async (format) => {
    const file = join(dir, `model.${format}`);
    await saveModel(file, format, { spec, weights, metadata });
    const { m, p } = await predictWith(file);
    expect(m.spec).toEqual(spec);
    expect(m.metadata).toEqual(metadata);
    expect(Buffer.from(m.weights.buffer).equals(Buffer.from(weights.buffer))).toBe(true);
    expect(p).toEqual(expected);
  });

  it('.h5 -> tfjs -> .h5 keeps every byte of every weight', async () => {
    const a = join(dir, 'a.h5');
    const tfjsDir = join(dir, 'tfjs');
    const b = join(dir, 'b.h5');
    await saveModel(a, 'h5', { spec, weights, metadata });
    await saveModel(tfjsDir, 'tfjs', await loadModel(a));
    await saveModel(b, 'h5', await loadModel(tfjsDir));
    const h5 = await h5wasm();
    const fa = new h5.File(a, 'r');
    const fb = new h5.File(b, 'r');
    let compared = 0;
    for (const info of layerInfos(spec)) {
      for (const w of ['kernel:0', 'bias:0']) {
        if (!info.kernel) continue;
        const path = `model_weights/${info.name}/${info.name}/${w}`;
        const da = (fa.get(path) as H5Dataset).value as Float32Array;
        const db = (fb.get(path) as H5Dataset).value as Float32Array;
        expect(da.length).toBeGreaterThan(0);
        expect(Buffer.from(db.buffer, db.byteOffset, db.byteLength).equals(Buffer.from(da.buffer, da.byteOffset, da.byteLength))).toBe(true);
        compared++;
      }
    }
    fa.close();
    fb.close();
    expect(compared).toBe(weightManifest(spec).entries.length);
    const { p } = await predictWith(b);
    expect(p).toEqual(expected);
  });
});
