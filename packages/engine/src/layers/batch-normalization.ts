import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { BatchAllReduce, Json, LayerType } from './layer-type.js';
import { ones, zeros } from './initializers.js';
import { unlessDefault } from './keras-reader.js';

/**
 * BatchNormalization over the last axis (channels): after a conv [n, h, w, c]
 * or a dense layer [n, c]. Keras semantics: momentum 0.99, epsilon 1e-3,
 * weights gamma, beta (trainable), moving_mean, moving_variance (not).
 *
 * Training: x̂ = (x - μ) / sqrt(σ² + ε), y = γ·x̂ + β, with μ, σ² (biased, as
 * Keras 3 and tfjs-layers) over the WHOLE global batch: every part of it (one
 * per thread) adds its per-channel partial sums through `sync`, summed in
 * part order, so the result does not depend on the thread count. Two passes
 * (Σx, then Σ(x - μ)²) avoid the cancellation of Σx² - nμ². The moving
 * statistics are updated once per optimizer step: this layer reports
 * n·μ and n·σ² in their gradient slots, the reduction divides by the global
 * batch, and the optimizer step applies m·w + (1 - m)·stat (manifest.ts).
 * Inference: μ, σ² are the moving statistics.
 */
export interface BatchNormalizationSpec { type: 'batchNormalization'; momentum?: number; epsilon?: number }

const MOMENTUM = 0.99;
const EPSILON = 1e-3;
const eps = (l: BatchNormalizationSpec) => l.epsilon ?? EPSILON;
/** Every axis but the channels: [0, 1, 2] for [n, h, w, c], [0] for [n, c]. */
const axes = (x: tf.Tensor) => Array.from({ length: x.rank - 1 }, (_, i) => i);
const channels = (x: tf.Tensor) => x.shape[x.rank - 1];

/** A [c] float32 tensor of v[k] / by. */
const perChannel = (v: Float64Array, by: number) => tf.tensor1d(Float32Array.from(v, (x) => x / by));

/** Global per-channel sums: [count, Σ a (c values), Σ b (c values, if given)] summed over every part of the batch. */
function globalSums(sync: BatchAllReduce, count: number, a: tf.Tensor, b?: tf.Tensor): Float64Array {
  const c = a.size;
  const part = new Float64Array(1 + c * (b ? 2 : 1));
  part[0] = count;
  part.set(a.dataSync(), 1);
  if (b) part.set(b.dataSync(), 1 + c);
  return sync.allReduce(part);
}

export const batchNormalization: LayerType<BatchNormalizationSpec> = {
  type: 'batchNormalization',
  className: 'BatchNormalization',
  kerasName: 'batch_normalization',
  schema: z.strictObject({ type: z.literal('batchNormalization'), momentum: z.number().min(0).lt(1).optional(), epsilon: z.number().positive().max(1).optional() }),

  outputShape: (_l, inShape) => inShape,
  weights(l, inShape) {
    const c = [inShape[inShape.length - 1]];
    const m = l.momentum ?? MOMENTUM;
    return [
      { name: 'gamma', shape: c, init: ones },
      { name: 'beta', shape: c, init: zeros },
      { name: 'moving_mean', shape: c, init: zeros, movingMomentum: m },
      { name: 'moving_variance', shape: c, init: ones, movingMomentum: m },
    ];
  },
  fusesRelu: true,
  // [count, Σ dy (c), Σ dy·x̂ (c)] is the widest exchange.
  syncWidth: (_l, inShape) => 1 + 2 * inShape[inShape.length - 1],

  // x [n, ..., c] -> y [n, ..., c]; saves x̂ [n, ..., c], 1/σ [c] (and in training the batch's μ [c], σ² [c]).
  forward({ layer: l, x, params, relu, training, sync }) {
    const p = params!;
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    let d: tf.Tensor;
    if (training) {
      const count = x.size / channels(x);
      const s1 = globalSums(sync, count, tf.sum(x, axes(x)));
      mean = perChannel(s1.subarray(1), s1[0]);
      d = tf.sub(x, mean);
      const s2 = globalSums(sync, count, tf.sum(tf.square(d), axes(x)));
      variance = perChannel(s2.subarray(1), s2[0]);
    } else {
      mean = p.moving_mean;
      variance = p.moving_variance;
      d = tf.sub(x, mean);
    }
    const inv = tf.rsqrt(tf.add(variance, eps(l)));
    const xhat = tf.mul(d, inv);
    const lin = tf.add(tf.mul(xhat, p.gamma), p.beta);
    // Inference saves no μ, σ²: they are the moving-statistics variables, which the reverse pass must not dispose.
    return { out: relu ? tf.relu(lin) : lin, saved: training ? [xhat, inv, mean, variance] : [xhat, inv] };
  },
  // g [n, ..., c] -> dγ = Σ g·x̂ [c], dβ = Σ g [c], n·μ [c], n·σ² [c];
  // dx [n, ..., c] = γ/σ · (g - Σg/N - x̂·Σ(g·x̂)/N), sums and N over the global batch (training),
  // dx = γ/σ · g (inference: μ, σ² are constants).
  backward({ x, g, saved, params, needDx, training, sync, onGrad }) {
    const p = params!;
    const [xhat, inv, mean = p.moving_mean, variance = p.moving_variance] = saved!;
    const n = x.shape[0];
    const dBeta = tf.sum(g, axes(g));
    const dGamma = tf.sum(tf.mul(g, xhat), axes(g));
    const sums = needDx && training ? globalSums(sync, x.size / channels(x), dBeta, dGamma) : null;
    onGrad(dGamma, dBeta, tf.mul(mean, n), tf.mul(variance, n));
    if (!needDx) return null;
    const scale = tf.mul(p.gamma, inv);
    if (!sums) return tf.mul(g, scale);
    const c = channels(x);
    const N = sums[0];
    const meanG = perChannel(sums.subarray(1, 1 + c), N);
    const meanGX = perChannel(sums.subarray(1 + c), N);
    return tf.mul(tf.sub(tf.sub(g, meanG), tf.mul(xhat, meanGX)), scale);
  },
  // The output and x̂ are kept for the reverse pass.
  activationElements: (_l, outShape) => 2 * outShape.reduce((a, b) => a * b, 1),

  toKeras(l, v3) {
    const init = (cls: string): Json => (v3 ? { module: 'keras.initializers', class_name: cls, config: {}, registered_name: null } : { class_name: cls, config: {} });
    return {
      axis: -1, momentum: l.momentum ?? MOMENTUM, epsilon: eps(l), center: true, scale: true,
      beta_initializer: init('Zeros'), gamma_initializer: init('Ones'), moving_mean_initializer: init('Zeros'), moving_variance_initializer: init('Ones'),
      beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
      ...(v3 ? { synchronized: false } : {}),
    };
  },
  fromKeras(r) {
    const axis = Array.isArray(r.cfg.axis) && r.cfg.axis.length === 1 ? r.cfg.axis[0] : (r.cfg.axis ?? -1);
    // Keras 2 writes the built axis ([3] after a conv, [1] after a dense): taken as the last one (a
    // positive axis is not checked against the input rank here). synchronized (Keras 3) is accepted
    // either way: our statistics are always those of the whole global batch.
    if (typeof axis !== 'number' || !Number.isInteger(axis) || (axis !== -1 && axis < 1)) r.refuse(`axis ${JSON.stringify(r.cfg.axis)} is not supported (only the last axis)`);
    if (r.cfg.center === false || r.cfg.scale === false) r.refuse('center=False or scale=False is not supported');
    if (r.cfg.renorm === true || r.cfg.virtual_batch_size != null) r.refuse('renorm and virtual_batch_size are not supported');
    for (const k of ['beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint']) if (r.cfg[k] != null) r.refuse(`${k} is not supported`);
    const num = (k: string, d: number) => (typeof r.cfg[k] === 'number' ? (r.cfg[k] as number) : d);
    return { type: 'batchNormalization', ...unlessDefault('momentum', num('momentum', MOMENTUM), MOMENTUM), ...unlessDefault('epsilon', num('epsilon', EPSILON), EPSILON) };
  },
  toTfjs: (l, { name, inputShape }) => tfl.layers.batchNormalization({
    ...(inputShape ? { inputShape } : {}), name, axis: -1, momentum: l.momentum ?? MOMENTUM, epsilon: eps(l),
  }),

  reference({ layer: l, n, a, inShape, offsets, w, training }) {
    const c = inShape[inShape.length - 1];
    const rows = (n * inShape.reduce((x, y) => x * y, 1)) / c;
    const mean = new Float64Array(c);
    const variance = new Float64Array(c);
    for (let k = 0; k < c; k++) {
      if (!training) {
        mean[k] = w[offsets.moving_mean + k];
        variance[k] = w[offsets.moving_variance + k];
        continue;
      }
      let s = 0;
      for (let i = 0; i < rows; i++) s += a[i * c + k];
      mean[k] = s / rows;
      let q = 0;
      for (let i = 0; i < rows; i++) q += (a[i * c + k] - mean[k]) ** 2;
      variance[k] = q / rows;
    }
    const y = new Float64Array(a.length);
    for (let i = 0; i < rows; i++)
      for (let k = 0; k < c; k++) y[i * c + k] = w[offsets.gamma + k] * (a[i * c + k] - mean[k]) / Math.sqrt(variance[k] + eps(l)) + w[offsets.beta + k];
    return y;
  },
};
