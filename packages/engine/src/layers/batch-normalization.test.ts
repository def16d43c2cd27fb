import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '@tensorpool/core';
import { initBackend } from '../backend.js';
import { Replica } from '../replica.js';
import { initialWeights } from '../init.js';
import { layerInfos, movingEntries, weightManifest } from '../manifest.js';
import { optimizerStep } from '../optimizer-step.js';
import { ADAM_DEFAULTS } from '../adam.js';
import { loadModel, saveModel } from '../model-file.js';
import { summary } from '../summary.js';
import { h5wasm, type H5Dataset } from '../h5.js';
import { testBatch } from '../reference-net.test-util.js';
import type { ModelSpec } from '../spec.js';
import { batchNormalization, type BatchNormalizationSpec } from './batch-normalization.js';
import { LOCAL_ALL_REDUCE } from './layer-type.js';
import { KerasReader } from './keras-reader.js';
import { expectGradientsMatchFiniteDifferences, expectKerasRoundTrip, specAround } from './layer-checks.test-util.js';

/**
 * BatchNormalization: forward as tfjs-layers' on cpu in both modes (after a
 * conv [n, h, w, c] and a dense [n, c]), moving statistics updated as tfjs-layers
 * updates them, gradients as float64 finite differences in both modes, Keras
 * configs and .h5/.keras files round-trip, summary counts the moving
 * statistics as non-trainable.
 */
const bn: BatchNormalizationSpec = { type: 'batchNormalization' };
const custom: BatchNormalizationSpec = { type: 'batchNormalization', momentum: 0.9, epsilon: 0.01 };

/** [BN after dense]: flatten -> dense 4 -> BN -> ReLU -> dense softmax. */
const afterDense: ModelSpec = {
  name: 'bn-dense', inputShape: [3, 3, 2], labels: ['a', 'b', 'c'],
  layers: [{ type: 'flatten' }, { type: 'dense', units: 4 }, bn, { type: 'activation', activation: 'relu' }, { type: 'dense', units: 3, activation: 'softmax' }],
};

/** Random gamma, beta, moving mean and moving variance (> 0) for c channels. */
function randomWeights(c: number, seed: number): tf.Tensor1D[] {
  const r = new Random(seed);
  const v = (lo: number, hi: number) => tf.tensor1d(Float32Array.from({ length: c }, () => r.uniform(lo, hi)));
  return [v(0.5, 1.5), v(-0.5, 0.5), v(-0.3, 0.3), v(0.5, 2)];
}

describe('batchNormalization layer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tensorpool-bn-'));
  beforeAll(async () => {
    await initBackend('cpu');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([[[5, 4, 3]], [[6]]])('forward matches tfjs-layers BatchNormalization in both modes, input %j', (inShape) => {
    for (const l of [bn, custom]) {
      tf.tidy(() => {
        const r = new Random(3);
        const n = 4;
        const x = tf.tensor(Float32Array.from({ length: n * inShape.reduce((a, b) => a * b, 1) }, () => r.uniform(-1, 2)), [n, ...inShape]);
        const theirs = tfl.layers.batchNormalization({ axis: -1, momentum: l.momentum ?? 0.99, epsilon: l.epsilon ?? 1e-3 });
        theirs.apply(x, { training: false });
        theirs.setWeights(randomWeights(inShape[inShape.length - 1], 4));
        const [gamma, beta, movingMean, movingVariance] = theirs.getWeights();
        const params = { gamma, beta, moving_mean: movingMean, moving_variance: movingVariance };
        for (const training of [false, true]) {
          const want = theirs.apply(x, { training }) as tf.Tensor;
          const got = batchNormalization.forward({ layer: l, index: 0, x, params, relu: false, outShape: inShape, mask: null, training, sync: LOCAL_ALL_REDUCE }).out;
          expect(got.shape).toEqual(want.shape);
          expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThanOrEqual(1e-5);
        }
      });
    }
  });

  it('moving statistics after one training step match tfjs-layers (momentum 0.9)', () => {
    const spec: ModelSpec = { name: 'bn-moving', inputShape: [3, 4, 2], labels: ['a', 'b'], layers: [custom, { type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }] };
    const n = 5;
    const { x, labels } = testBatch(spec, n, 8);
    const w = initialWeights(spec, 1);
    const infos = layerInfos(spec);
    const start = randomWeights(2, 6);
    start.forEach((t, k) => w.set(t.dataSync(), infos[0].weights[k].offset));
    // Ours: the gradient slots of the moving statistics hold n x the batch statistic; the step divides by n.
    const replica = new Replica(spec);
    replica.setWeights(w);
    const g = new Float32Array(w.length);
    replica.gradients(x, labels, n, { training: true, seed: 1, epoch: 0, sampleIds: Array.from({ length: n }, (_, i) => i) }, g);
    replica.dispose();
    for (let i = 0; i < g.length; i++) g[i] /= n;
    const after = Float32Array.from(w);
    optimizerStep(after, g, new Float32Array(w.length), new Float32Array(w.length), 1, ADAM_DEFAULTS, movingEntries(weightManifest(spec)));
    // Theirs: a training-mode call updates the moving statistics in place.
    const theirs = tfl.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 0.01 });
    const xt = tf.tensor4d(x, [n, 3, 4, 2]);
    theirs.apply(xt, { training: false });
    theirs.setWeights(start);
    tf.dispose(theirs.apply(xt, { training: true }) as tf.Tensor);
    const [, , mm, mv] = theirs.getWeights();
    const [eMean, eVar] = [infos[0].weights[2], infos[0].weights[3]];
    const close = (a: Float32Array, b: Float32Array) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
    close(after.subarray(eMean.offset, eMean.offset + 2), mm.dataSync() as Float32Array);
    close(after.subarray(eVar.offset, eVar.offset + 2), mv.dataSync() as Float32Array);
    // They moved: the check is not trivially the start values.
    expect(Math.abs(after[eMean.offset] - w[eMean.offset])).toBeGreaterThan(1e-4);
    tf.dispose([xt, ...start]);
  });

  it.each([false, true])('gradients match finite differences (training %s), after a conv and after a dense', (training) => {
    expectGradientsMatchFiniteDifferences(specAround(bn), 3, training);
    expectGradientsMatchFiniteDifferences(specAround(custom), 3, training);
    expectGradientsMatchFiniteDifferences(afterDense, 4, training);
  });

  it('round-trips through Keras and tfjs-layers configs; reads Keras 2 axis [3]; refuses what it does not implement', () => {
    expectKerasRoundTrip(specAround(bn));
    expectKerasRoundTrip(specAround(custom));
    expectKerasRoundTrip(afterDense);
    const read = (cfg: Record<string, unknown>) => batchNormalization.fromKeras(new KerasReader('BatchNormalization', { name: 'batch_normalization', ...cfg }, 1));
    expect(read({ axis: [3], momentum: 0.99, epsilon: 0.001 })).toEqual(bn);
    expect(() => read({ axis: [1, 2] })).toThrow(/BatchNormalization at index 1 \('batch_normalization'\): axis \[1,2\] is not supported/);
    expect(() => read({ center: false })).toThrow(/center=False/);
    expect(() => read({ gamma_regularizer: { class_name: 'L2' } })).toThrow(/gamma_regularizer is not supported/);
  });

  it.each(['h5', 'keras'] as const)('ours -> .%s -> ours: same spec, bit-identical weights (gamma, beta, moving statistics)', async (format) => {
    const spec = specAround(custom);
    const w = initialWeights(spec, 3);
    const r = new Random(2);
    for (const e of layerInfos(spec)[1].weights) for (let j = 0; j < e.size; j++) w[e.offset + j] = r.uniform(0.5, 1.5);
    const file = join(dir, `m.${format}`);
    await saveModel(file, format, { spec, weights: w, metadata: {} });
    const m = await loadModel(file);
    expect(m.spec).toEqual(spec);
    expect(Buffer.from(m.weights.buffer).equals(Buffer.from(w.buffer))).toBe(true);
    if (format !== 'keras') return;
    // Keras 3's paths: layers/batch_normalization/vars/0..3 = gamma, beta, moving_mean, moving_variance.
    const h5file = join(dir, 'model.weights.h5');
    writeFileSync(h5file, unzipSync(new Uint8Array(readFileSync(file)))['model.weights.h5']);
    const f = new (await h5wasm()).File(h5file, 'r');
    const e = layerInfos(spec)[1].weights[3];
    expect(Array.from((f.get('layers/batch_normalization/vars/3') as H5Dataset).value as Float32Array)).toEqual(Array.from(w.subarray(e.offset, e.offset + e.size)));
    f.close();
  });

  it('summary counts the moving statistics as non-trainable', () => {
    const s = summary(specAround(bn));
    // The name column is cut at its width, as in Keras's table.
    expect(s).toMatch(/batch_normalization_1 \(BatchNorma\s+\(None, 7, 6, 3\)\s+12\n/);
    expect(s).toMatch(/Non-trainable params: 6\b/);
  });
});
