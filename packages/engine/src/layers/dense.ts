import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { ModelError } from '@tensorpool/core';
import type { Activation } from '../spec.js';
import type { LayerType } from './layer-type.js';
import { kernelAndBias } from './initializers.js';
import { kerasWeightFields } from './keras-weights.js';
import { l2FromKeras, l2Penalty, l2Schema, l2ToTfjs, referenceL2, withL2Grad, type L2 } from './l2.js';
import { activationSchema, posInt } from './window.js';
import { hostKernelGrad, hostMatMul, hostMatMulT } from './dense-host.js';

/** Dense on flat input [n, in]; kernel [in, units], bias [units]. */
export interface DenseSpec { type: 'dense'; units: number; activation?: Activation; kernelRegularizer?: L2 }

export const dense: LayerType<DenseSpec> = {
  type: 'dense',
  className: 'Dense',
  kerasName: 'dense',
  schema: z.strictObject({ type: z.literal('dense'), units: posInt, activation: activationSchema.optional(), kernelRegularizer: l2Schema.optional() }),

  outputShape(l, inShape, where) {
    if (inShape.length !== 1) throw new ModelError(`invalid model spec: ${where} needs a flat input but gets [${inShape.join(', ')}]; add a flatten layer before it`);
    return [l.units];
  },
  weights: (l, inShape) => kernelAndBias([inShape[0], l.units], [l.units]),
  activation: (l) => l.activation,
  fusesRelu: true,

  // x [n, in] -> [n, units]; bias and ReLU fused into one kernel.
  forward({ x, params, relu }) {
    const p = params!;
    if (p.host) {
      // Kernel in host memory (./dense-host.ts): the product in blocks, then bias and ReLU as the fused kernel applies them.
      return { out: tf.tidy(() => {
        const y = tf.add(hostMatMul(x as tf.Tensor2D, p.host!), p.bias);
        return relu ? tf.relu(y) : y;
      }) };
    }
    return { out: tf.fused.matMul({ a: x as tf.Tensor2D, b: p.kernel as tf.Tensor2D, bias: p.bias, activation: relu ? 'relu' : 'linear' }) };
  },
  // g [n, units] -> dKernel [in, units] = xᵀg, dBias [units], dx [n, in] = g·kernelᵀ.
  backward({ layer: l, x, g, params, needDx, onGrad, onKernelRows }) {
    const p = params!;
    if (p.host) {
      // No regularizer here (the replica keeps only unregularized kernels in host memory).
      hostKernelGrad(x as tf.Tensor2D, g as tf.Tensor2D, p.host, onKernelRows);
      onGrad(null, tf.sum(g, 0));
      return needDx ? hostMatMulT(g as tf.Tensor2D, p.host) : null;
    }
    const dK = tf.matMul(x as tf.Tensor2D, g as tf.Tensor2D, true, false);
    const dB = tf.sum(g, 0);
    onGrad(withL2Grad(l.kernelRegularizer, dK, p.kernel, x.shape[0]), dB);
    return needDx ? tf.matMul(g as tf.Tensor2D, p.kernel as tf.Tensor2D, false, true) : null;
  },
  penalty: (l, p) => l2Penalty(l.kernelRegularizer, p.kernel),

  toKeras: (l, v3) => ({ units: l.units, activation: l.activation ?? 'linear', ...kerasWeightFields(v3, l.kernelRegularizer) }),
  fromKeras(r) {
    r.requireBias();
    const act = r.activation();
    return { type: 'dense', units: r.num('units'), ...(act !== 'linear' ? { activation: act } : {}), ...l2FromKeras(r) };
  },
  toTfjs: (l, { name, inputShape }) => tfl.layers.dense({
    ...(inputShape ? { inputShape } : {}), name, units: l.units, activation: l.activation ?? 'linear', ...l2ToTfjs(l.kernelRegularizer),
  }),

  reference({ layer: l, n, a, inShape, w, kernel, bias }) {
    const fin = inShape[0];
    const units = l.units;
    const y = new Float64Array(n * units);
    for (let b = 0; b < n; b++)
      for (let u = 0; u < units; u++) {
        let s = w[bias! + u];
        for (let k = 0; k < fin; k++) s += a[b * fin + k] * w[kernel! + k * units + u];
        y[b * units + u] = l.activation === 'relu' ? Math.max(0, s) : s;
      }
    return y;
  },
  referencePenalty: (l, w, kernel, count) => referenceL2(l.kernelRegularizer, w, kernel, count),
};
