import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerType } from './layer-type.js';
import {
  poolAttrs, poolFromKeras, poolOutputShape, poolPadding, poolStrides, poolToKeras, poolToTfjs, poolWindow, pool2dSchema, referencePool2d,
  type Pool2DFields,
} from './pool2d-config.js';
import { padBefore } from './window.js';

/**
 * AveragePooling2D, channels-last; strides default to the pool size, padding
 * to 'valid'. With 'same', windows at the border average only their in-bounds
 * cells (TF's avg_pool, which Keras uses: padding is not counted).
 */
export interface AveragePooling2DSpec extends Pool2DFields { type: 'averagePooling2d' }

/** [1, oh, ow, 1]: kh*kw / (in-bounds cells of each window), or null when every window is whole ('valid'). */
function borderScale(l: AveragePooling2DSpec, [, h, w]: number[], [, oh, ow]: number[]): tf.Tensor | null {
  if (poolPadding(l) === 'valid') return null;
  const [kh, kw] = poolWindow(l);
  const [sh, sw] = poolStrides(l);
  const pt = padBefore('same', h, oh, kh, sh);
  const pl = padBefore('same', w, ow, kw, sw);
  const inside = (o: number, s: number, p: number, k: number, len: number) => Math.min(o * s - p + k, len) - Math.max(o * s - p, 0);
  const v = new Float32Array(oh * ow);
  for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) v[i * ow + j] = (kh * kw) / (inside(i, sh, pt, kh, h) * inside(j, sw, pl, kw, w));
  return tf.tensor4d(v, [1, oh, ow, 1]);
}

export const averagePooling2d: LayerType<AveragePooling2DSpec> = {
  type: 'averagePooling2d',
  className: 'AveragePooling2D',
  kerasName: 'average_pooling2d',
  schema: pool2dSchema('averagePooling2d'),

  outputShape: poolOutputShape,

  // x [n, h, w, c] -> [n, oh, ow, c]
  forward: ({ layer: l, x }) => ({ out: tf.avgPool(x as tf.Tensor4D, poolWindow(l), poolStrides(l), poolPadding(l)) }),
  // g [n, oh, ow, c] -> dx [n, h, w, c]: each window's gradient spread evenly over its in-bounds cells.
  // tfjs's AvgPoolGrad divides by the full window even where 'same' padding cut it (unlike its
  // forward), so g is first scaled by window / in-bounds cells [1, oh, ow, 1].
  backward({ layer: l, x, g }) {
    const scale = borderScale(l, x.shape as number[], g.shape as number[]);
    return tf.tidy(() => tf.engine().runKernel(tf.AvgPoolGrad, { dy: scale ? tf.mul(g, scale) : g, input: x }, poolAttrs(l) as unknown as tf.NamedAttrMap) as tf.Tensor);
  },

  toKeras: poolToKeras,
  fromKeras: (r) => poolFromKeras(r, 'averagePooling2d'),
  toTfjs: (l, { name, inputShape }) => tfl.layers.averagePooling2d(poolToTfjs(l, name, inputShape)),

  reference: ({ layer: l, n, a, inShape, outShape }) => referencePool2d(l, a, n, inShape, outShape, (v) => v.reduce((s, x) => s + x, 0) / v.length),
};
