import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { Activation, Padding } from '../spec.js';
import type { LayerType } from './layer-type.js';
import { kernelAndBias } from './initializers.js';
import { kerasWeightFields } from './keras-weights.js';
import { l2FromKeras, l2Penalty, l2Schema, l2ToTfjs, referenceL2, withL2Grad, type L2 } from './l2.js';
import { activationSchema, padBefore, pair, pairSchema, paddingSchema, posInt, spatial, windowOutput } from './window.js';

/** Conv2D, channels-last, with bias; kernel [kh, kw, in, out]. Strides and 'same'/'valid' padding as in TF. */
export interface Conv2DSpec {
  type: 'conv2d';
  filters: number;
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: Padding; // default 'valid', as in Keras
  activation?: Activation;
  kernelRegularizer?: L2;
}

const strides = (l: Conv2DSpec) => pair(l.strides, [1, 1]);
const pad = (l: Conv2DSpec) => l.padding ?? 'valid';
const attrs = (l: Conv2DSpec) => ({ strides: strides(l), pad: pad(l), dataFormat: 'NHWC', dimRoundingMode: undefined });

export const conv2d: LayerType<Conv2DSpec> = {
  type: 'conv2d',
  className: 'Conv2D',
  kerasName: 'conv2d',
  schema: z.strictObject({
    type: z.literal('conv2d'), filters: posInt, kernelSize: pairSchema, strides: pairSchema.optional(),
    padding: paddingSchema.optional(), activation: activationSchema.optional(), kernelRegularizer: l2Schema.optional(),
  }),

  outputShape(l, inShape, where) {
    const [oh, ow] = windowOutput(inShape, pair(l.kernelSize, [1, 1]), strides(l), pad(l), where);
    return [oh, ow, l.filters];
  },
  weights(l, inShape) {
    const [kh, kw] = pair(l.kernelSize, [1, 1]);
    return kernelAndBias([kh, kw, spatial(inShape, '')[2], l.filters], [l.filters]);
  },
  activation: (l) => l.activation,
  fusesRelu: true,

  // x [n, h, w, c] -> [n, oh, ow, filters]; bias and ReLU fused into one kernel.
  forward({ layer: l, x, params, relu }) {
    const p = params!;
    return { out: tf.fused.conv2d({ x: x as tf.Tensor4D, filter: p.kernel as tf.Tensor4D, bias: p.bias, strides: strides(l), pad: pad(l), activation: relu ? 'relu' : 'linear' }) };
  },
  // g [n, oh, ow, filters] -> dKernel [kh, kw, c, filters], dBias [filters], dx [n, h, w, c].
  backward({ layer: l, x, g, params, needDx, onGrad }) {
    const p = params!;
    const dK = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: g }, { ...attrs(l), filterShape: p.kernel.shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const dB = tf.sum(g, [0, 1, 2]);
    onGrad(withL2Grad(l.kernelRegularizer, dK, p.kernel, x.shape[0]), dB);
    if (!needDx) return null;
    return tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: g, filter: p.kernel }, { ...attrs(l), inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
  },
  penalty: (l, p) => l2Penalty(l.kernelRegularizer, p.kernel),

  toKeras: (l, v3) => ({
    filters: l.filters, kernel_size: pair(l.kernelSize, [1, 1]), strides: strides(l), padding: pad(l),
    data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: l.activation ?? 'linear', ...kerasWeightFields(v3, l.kernelRegularizer),
  }),
  fromKeras(r) {
    r.channelsLast();
    r.requireBias();
    if (r.pair('dilation_rate', 1) !== 1 || (r.cfg.groups ?? 1) !== 1) r.refuse('dilated or grouped Conv2D is not supported');
    const st = r.pair('strides', 1);
    const act = r.activation();
    const p = r.padding();
    // Defaults are left out so a spec round-trips to the same JSON.
    return {
      type: 'conv2d', filters: r.num('filters'), kernelSize: r.pair('kernel_size'),
      ...(st !== 1 ? { strides: st } : {}), ...(p === 'same' ? { padding: p } : {}), ...(act !== 'linear' ? { activation: act } : {}), ...l2FromKeras(r),
    };
  },
  toTfjs: (l, { name, inputShape }) => tfl.layers.conv2d({
    ...(inputShape ? { inputShape } : {}), name, filters: l.filters, kernelSize: l.kernelSize, strides: l.strides ?? 1,
    padding: pad(l), activation: l.activation ?? 'linear', ...l2ToTfjs(l.kernelRegularizer),
  }),

  reference({ layer: l, n, a, inShape, outShape, w, kernel, bias }) {
    const [h, wd, c] = inShape;
    const [oh, ow, oc] = outShape;
    const [kh, kw] = pair(l.kernelSize, [1, 1]);
    const [sh, sw] = strides(l);
    const pt = padBefore(pad(l), h, oh, kh, sh);
    const pl = padBefore(pad(l), wd, ow, kw, sw);
    const K = kernel!;
    const y = new Float64Array(n * oh * ow * oc);
    for (let b = 0; b < n; b++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++)
          for (let o = 0; o < oc; o++) {
            let s = w[bias! + o];
            for (let di = 0; di < kh; di++) {
              const yi = i * sh + di - pt;
              if (yi < 0 || yi >= h) continue;
              for (let dj = 0; dj < kw; dj++) {
                const xj = j * sw + dj - pl;
                if (xj < 0 || xj >= wd) continue;
                for (let ci = 0; ci < c; ci++) s += a[((b * h + yi) * wd + xj) * c + ci] * w[K + ((di * kw + dj) * c + ci) * oc + o];
              }
            }
            y[((b * oh + i) * ow + j) * oc + o] = l.activation === 'relu' ? Math.max(0, s) : s;
          }
    return y;
  },
  referencePenalty: (l, w, kernel, count) => referenceL2(l.kernelRegularizer, w, kernel, count),
};
