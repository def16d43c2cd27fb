import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend.js';
import { Replica } from './replica.js';
import { initialWeights } from './init.js';
import { weightManifest } from './manifest.js';
import { fromLayersModel, loadModelDir, saveModelDir, toLayersModel } from './keras.js';
import { dirLoadHandler } from './keras-io.js';
import { testBatch, tinySeedSpec } from './reference-net.test-util.js';

/**
 * Spec + weights -> TensorFlow.js layers directory -> spec + weights: the
 * same spec, bit-identical weights, identical predictions; the tfjs-layers
 * model computes what our functional forward pass computes (1e-5 abs on
 * probabilities), and tf.loadLayersModel reads the directory directly.
 */
describe('Keras layers-format save/load round trip', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tensorpool-keras-'));
  beforeAll(async () => {
    await initBackend('cpu');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const spec = tinySeedSpec();
  const w = initialWeights(spec, 21);
  const { x, labels } = testBatch(spec, 5, 4);

  it('save -> load gives the same spec, weights, metadata and predictions', async () => {
    await saveModelDir(dir, spec, w, { normalization: 'div256', epochs: 3 });
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].weights.map((e: { name: string }) => e.name)).toEqual(weightManifest(spec).entries.map((e) => e.name));

    const loaded = await loadModelDir(dir);
    expect(loaded.spec).toEqual(spec);
    expect(loaded.weights).toEqual(w);
    expect(loaded.metadata).toEqual({ normalization: 'div256', epochs: 3 });

    const a = new Replica(spec);
    a.setWeights(w);
    const b = new Replica(loaded.spec);
    b.setWeights(loaded.weights);
    expect(b.predict(x, 5)).toEqual(a.predict(x, 5));
    expect(b.evaluate(x, labels, 5).predictions).toEqual(a.evaluate(x, labels, 5).predictions);
    a.dispose();
    b.dispose();
  });

  it('the tfjs-layers model (as tf.loadLayersModel reads it) predicts what Replica predicts', async () => {
    const model = await tf.loadLayersModel(dirLoadHandler(dir));
    const replica = new Replica(spec);
    replica.setWeights(w);
    const ours = replica.predict(x, 5);
    const out = model.predict(tf.tensor4d(x, [5, ...spec.inputShape])) as tf.Tensor;
    const theirs = out.dataSync();
    expect(theirs.length).toBe(ours.length);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(theirs[i] - ours[i])).toBeLessThanOrEqual(1e-5);
    out.dispose();
    model.dispose();
    replica.dispose();
  });

  it('the seed topology round-trips through toLayersModel/fromLayersModel (layer names as in Keras)', () => {
    // Full seed widths on a small input (the 100x100 preset is slow to build on cpu).
    const fm = tinySeedSpec(true);
    const weights = initialWeights(fm, 1);
    const model = toLayersModel(fm, weights);
    expect(model.layers.map((l) => l.name).slice(0, 6)).toEqual(['conv2d_1', 'activation_1', 'conv2d_2', 'activation_2', 'max_pooling2d_1', 'dropout_1']);
    expect(model.countParams()).toBe(weightManifest(fm).total);
    const back = fromLayersModel(model);
    expect(back.spec).toEqual(fm);
    expect(back.weights).toEqual(weights);
    model.dispose();
  });

  it('a Keras-built architecture without our metadata loads with generic labels', () => {
    const model = tf.sequential();
    model.add(tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'relu' }));
    model.add(tf.layers.maxPooling2d({ poolSize: 1 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 4, activation: 'softmax' }));
    const back = fromLayersModel(model);
    expect(back.spec.labels).toEqual(['class_0', 'class_1', 'class_2', 'class_3']);
    expect(back.spec.layers[0]).toEqual({ type: 'conv2d', filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'relu' });
    expect(back.weights.length).toBe(model.countParams());
    const replica = new Replica(back.spec);
    replica.setWeights(back.weights);
    const xs = testBatch(back.spec, 2, 8).x;
    const out = model.predict(tf.tensor4d(xs, [2, 6, 6, 2])) as tf.Tensor;
    const ref = out.dataSync();
    const ours = replica.predict(xs, 2);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(ref[i] - ours[i])).toBeLessThanOrEqual(1e-5);
    replica.dispose();
    model.dispose();
  });
});
