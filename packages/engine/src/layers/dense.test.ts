import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { Replica } from '../replica.js';
import { initialWeights } from '../init.js';
import { weightManifest } from '../manifest.js';
import { testBatch } from '../reference-net.test-util.js';
import type { ModelSpec } from '../spec.js';
import { validateSpec } from '../validate.js';
import type { DenseSpec } from './dense.js';
import { expectForwardMatchesTfjs, expectGradientsMatchFiniteDifferences, expectKerasRoundTrip } from './layer-checks.test-util.js';

/**
 * Dense with `kernelRegularizer: { l2 }`: forward as tfjs-layers' on cpu,
 * gradients with the penalty as float64 finite differences, the loss raised by
 * exactly n·λ·Σkernel², and a batch split in two giving the same summed loss
 * and gradient as the whole batch (the penalty counts once per sample).
 */
const l2: DenseSpec = { type: 'dense', units: 4, activation: 'relu', kernelRegularizer: { l2: 0.02 } };
const spec = (hidden: DenseSpec): ModelSpec => ({
  name: 'dense-l2', inputShape: [3, 3, 2], labels: ['a', 'b', 'c'],
  layers: [{ type: 'flatten' }, hidden, { type: 'dense', units: 3, activation: 'softmax', kernelRegularizer: { l2: 0.005 } }],
});
const opts = { training: false, seed: 1, epoch: 0, sampleIds: [0, 1, 2, 3] };

function gradients(s: ModelSpec, w: Float32Array, x: Float32Array, labels: Int32Array, n: number) {
  const r = new Replica(s);
  r.setWeights(w);
  const g = new Float32Array(r.manifest.total);
  const stats = r.gradients(x, labels, n, opts, g);
  r.dispose();
  return { g, loss: stats.lossSum };
}

describe('dense layer with an l2 kernel regularizer', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('forward matches tfjs-layers Dense', () => {
    expectForwardMatchesTfjs(l2, tfl.layers.dense({ units: 4, activation: 'relu' }), [5]);
  });

  it('gradients (with the penalty) match finite differences', () => {
    expectGradientsMatchFiniteDifferences(spec(l2));
  });

  it('adds n·λ·Σkernel² to the summed loss, and a split batch sums to the whole', () => {
    const s = spec(l2);
    const w = initialWeights(s, 4);
    const { x, labels } = testBatch(s, 4, 8);
    const m = weightManifest(s).entries;
    const sq = (i: number) => w.subarray(m[i].offset, m[i].offset + m[i].size).reduce((a, v) => a + v * v, 0);
    const plain = gradients({ ...s, layers: [s.layers[0], { type: 'dense', units: 4, activation: 'relu' }, { type: 'dense', units: 3, activation: 'softmax' }] }, w, x, labels, 4);
    const whole = gradients(s, w, x, labels, 4);
    expect(whole.loss - plain.loss).toBeCloseTo(4 * (0.02 * sq(0) + 0.005 * sq(2)), 4);
    const f = 3 * 3 * 2;
    const a = gradients(s, w, x, labels, 1);
    const b = gradients(s, w, x.subarray(f), labels.subarray(1), 3);
    expect(a.loss + b.loss).toBeCloseTo(whole.loss, 4);
    for (let i = 0; i < whole.g.length; i++) expect(Math.abs(a.g[i] + b.g[i] - whole.g[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(whole.g[i])));
  });

  it('refuses a negative or non-numeric λ, naming the field', () => {
    for (const bad of [-0.1, 'x']) {
      const s = spec({ ...l2, kernelRegularizer: { l2: bad as number } });
      expect(() => validateSpec(s)).toThrow('invalid model spec: layers[1].kernelRegularizer.l2 must be a number in [0, 1e6]');
    }
  });

  it('round-trips through Keras and tfjs-layers configs', () => {
    expectKerasRoundTrip(spec(l2));
  });
});
