import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';
import { Random } from '@tensorpool/core';
import { Replica } from '../replica.js';
import { initialWeights } from '../init.js';
import { layerInfos, weightManifest } from '../manifest.js';
import { fromLayersModel, toLayersModel } from '../keras.js';
import { keras3Config, kerasModelConfig, specFromKerasConfig } from '../keras-config.js';
import { directionalChecks, referenceLoss, testBatch } from '../reference-net.test-util.js';
import type { LayerSpec, ModelSpec } from '../spec.js';
import { layerType } from './registry.js';
import { LOCAL_ALL_REDUCE } from './layer-type.js';

/**
 * The checks every layer module's test runs (call initBackend('cpu') first):
 * - Replica.gradients (this layer's backward inside a small network) against
 *   central finite differences of the float64 reference, one random direction
 *   per weight tensor, |g.d - FD| <= 1e-4 * max(|FD|, 1e-2), and the loss;
 * - the module's forward against tfjs-layers' own layer on the same input;
 * - the spec surviving Keras 2, Keras 3 and tfjs-layers configs unchanged.
 */
export function expectGradientsMatchFiniteDifferences(spec: ModelSpec, n = 3, training = false): void {
  const w = initialWeights(spec, 7);
  // Non-zero biases (and BN betas) so their gradients are exercised away from the symmetric start.
  const rb = new Random(5);
  for (const e of weightManifest(spec).entries) if (/\/(bias|beta)$/.test(e.name)) for (let j = 0; j < e.size; j++) w[e.offset + j] = rb.uniform(-0.05, 0.05);
  const { x, labels } = testBatch(spec, n, 11);
  const replica = new Replica(spec);
  replica.setWeights(w);
  const g = new Float32Array(replica.manifest.total);
  const stats = replica.gradients(x, labels, n, { training, seed: 1, epoch: 0, sampleIds: Array.from({ length: n }, (_, i) => i) }, g);
  replica.dispose();
  expect(stats.lossSum).toBeCloseTo(referenceLoss(spec, w, x, labels, n, undefined, training), 4);
  // Moving statistics are not trained (their slot holds n x the batch statistic, checked in their layer's test).
  const trainable = weightManifest(spec).entries.filter((e) => e.movingMomentum === undefined);
  const rows = directionalChecks(spec, trainable, g, w, x, labels, n, 99, undefined, training);
  expect(rows.length).toBe(trainable.length);
  for (const r of rows) {
    expect(Math.abs(r.analytic - r.fd), `${r.name}: analytic ${r.analytic} fd ${r.fd}`).toBeLessThanOrEqual(1e-4 * Math.max(Math.abs(r.fd), 1e-2));
  }
}

/**
 * Our forward of `layer` on x [n, ...inShape] against `theirs` (a tfjs-layers
 * layer) applied to the same x; a weighted layer takes tfjs's freshly
 * initialised kernel and bias. Max abs difference <= 1e-5.
 */
export function expectForwardMatchesTfjs(layer: LayerSpec, theirs: tfl.layers.Layer, inShape: number[], n = 2): void {
  tf.tidy(() => {
    const r = new Random(3);
    const x = tf.tensor(Float32Array.from({ length: n * inShape.reduce((a, b) => a * b, 1) }, () => r.uniform(-1, 1)), [n, ...inShape]);
    const want = theirs.apply(x) as tf.Tensor;
    const [kernel, bias] = theirs.getWeights();
    const t = layerType(layer);
    const outShape = t.outputShape(layer, inShape, 'layer');
    const own = t.activation?.(layer);
    const got = t.forward({ layer, index: 0, x, params: kernel ? { kernel, bias } : undefined, relu: own === 'relu', outShape, mask: null, training: false, sync: LOCAL_ALL_REDUCE }).out;
    expect(got.shape).toEqual(want.shape);
    expect(got.shape.slice(1)).toEqual(outShape);
    const diff = tf.max(tf.abs(tf.sub(got, want))).dataSync()[0];
    expect(diff).toBeLessThanOrEqual(1e-5);
  });
}

/** The spec comes back unchanged from Keras 2 and 3 configs and from a tfjs-layers model (with its weights). */
export function expectKerasRoundTrip(spec: ModelSpec): void {
  expect(specFromKerasConfig(kerasModelConfig(spec), spec.labels).spec).toEqual({ ...spec, name: spec.name });
  expect(specFromKerasConfig(keras3Config(spec), spec.labels).spec).toEqual(spec);
  const w = initialWeights(spec, 2);
  const model = toLayersModel(spec, w);
  try {
    expect(model.layers.map((l) => l.getClassName())).toEqual(layerInfos(spec).map((i) => i.className));
    const back = fromLayersModel(model);
    expect(back.spec).toEqual(spec);
    expect(back.weights).toEqual(w);
  } finally {
    model.dispose();
  }
}

/**
 * A small network around `layer`: conv2d (linear, so no ReLU ties) -> layer ->
 * flatten (unless the layer's output is already flat) -> dense softmax over 3 classes.
 */
export function specAround(layer: LayerSpec, inputShape: [number, number, number] = [7, 6, 2]): ModelSpec {
  const conv: LayerSpec = { type: 'conv2d', filters: 3, kernelSize: 2, padding: 'same' };
  const flat = layerType(layer).outputShape(layer, [...inputShape.slice(0, 2), 3], 'layer').length === 1;
  return {
    name: `around-${layer.type}`, inputShape, labels: ['a', 'b', 'c'],
    layers: [conv, layer, ...(flat ? [] : [{ type: 'flatten' } as const]), { type: 'dense', units: 3, activation: 'softmax' }],
  };
}
