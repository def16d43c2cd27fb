import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { Replica, type GradientOptions } from './replica.js';
import { initialWeights } from './init.js';
import { dropoutMask } from './dropout.js';
import { forwardLogits, type LayerParams } from './forward.js';
import { layerInfos } from './manifest.js';
import type { ModelSpec } from './spec.js';
import { testBatch } from './reference-net.test-util.js';

/**
 * The hand-written reverse pass (backprop.ts, what Replica.gradients runs)
 * against tfjs's own autodiff (tf.variableGrads over the same forward ops),
 * on a spec that takes every branch: ReLU as a layer attribute and as a fused
 * activation layer, a ReLU layer after pooling (not fused), strides 2, 'same'
 * and 'valid' padding, overlapping pooling, dropout after pooling and after
 * dense, a linear activation layer, softmax last.
 * Per weight tensor: max|g_manual - g_tape| <= 1e-5 * max|g_tape|.
 */
const spec: ModelSpec = {
  name: 'branches', inputShape: [12, 11, 2], labels: ['a', 'b', 'c'],
  layers: [
    { type: 'conv2d', filters: 5, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
    { type: 'conv2d', filters: 6, kernelSize: [2, 3], padding: 'valid' },
    { type: 'activation', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2, strides: 1, padding: 'same' },
    { type: 'activation', activation: 'relu' },
    { type: 'dropout', rate: 0.3 },
    { type: 'conv2d', filters: 4, kernelSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 7, activation: 'relu' },
    { type: 'dropout', rate: 0.5 },
    { type: 'dense', units: 3 },
    { type: 'activation', activation: 'linear' },
    { type: 'activation', activation: 'softmax' },
  ],
};
const n = 4;
const w = initialWeights(spec, 3);
const { x, labels } = testBatch(spec, n, 9);
const opts: GradientOptions = { training: true, seed: 4, epoch: 1, sampleIds: [3, 1, 4, 1] };

function manual(): Float32Array {
  const r = new Replica(spec);
  r.setWeights(w);
  const g = new Float32Array(r.manifest.total);
  r.gradients(x, labels, n, opts, g);
  r.dispose();
  return g;
}

function tape(): Float32Array {
  const infos = layerInfos(spec);
  const params: (LayerParams | undefined)[] = [];
  const vars: { v: tf.Variable; offset: number }[] = [];
  for (const info of infos) {
    if (!info.kernel || !info.bias) continue;
    const kernel = tf.variable(tf.tensor(w.slice(info.kernel.offset, info.kernel.offset + info.kernel.size), info.kernel.shape));
    const bias = tf.variable(tf.tensor(w.slice(info.bias.offset, info.bias.offset + info.bias.size), info.bias.shape));
    params[info.index] = { kernel, bias };
    vars.push({ v: kernel, offset: info.kernel.offset }, { v: bias, offset: info.bias.offset });
  }
  const g = new Float32Array(w.length);
  tf.tidy(() => {
    const xt = tf.tensor4d(x, [n, ...spec.inputShape]);
    const yt = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    const mask = (layer: number, rate: number, shape: number[]) => {
      const per = shape.reduce((a, b) => a * b, 1);
      return tf.tensor(dropoutMask(n, per, rate, layer, opts), [n, ...shape]);
    };
    const { grads } = tf.variableGrads(() => tf.neg(tf.sum(tf.mul(yt, tf.logSoftmax(forwardLogits(spec, infos, params, xt, mask))))) as tf.Scalar, vars.map((e) => e.v));
    for (const e of vars) g.set(grads[e.v.name].dataSync() as Float32Array, e.offset);
  });
  for (const e of vars) e.v.dispose();
  return g;
}

describe.each(['cpu', 'wasm'] as const)('hand-written backprop on %s', (backend) => {
  it('equals tfjs autodiff for every weight tensor', async () => {
    await initBackend(backend);
    const a = manual();
    const b = tape();
    for (const info of layerInfos(spec)) {
      for (const e of [info.kernel, info.bias]) {
        if (!e) continue;
        const ga = a.subarray(e.offset, e.offset + e.size);
        const gb = b.subarray(e.offset, e.offset + e.size);
        const scale = Math.max(...Array.from(gb, Math.abs));
        expect(scale, `${e.name} has a zero gradient: the check would be empty`).toBeGreaterThan(0);
        const err = Math.max(...Array.from(ga, (v, i) => Math.abs(v - gb[i])));
        expect(err, e.name).toBeLessThanOrEqual(1e-5 * scale);
      }
    }
  });
});
