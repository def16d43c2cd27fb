import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerType } from './layer-type.js';
import {
  poolAttrs, poolFromKeras, poolOutputShape, poolPadding, poolStrides, poolToKeras, poolToTfjs, poolWindow, pool2dSchema, referencePool2d,
  type Pool2DFields,
} from './pool2d-config.js';

/** MaxPooling2D, channels-last; strides default to the pool size, padding to 'valid' (Keras). */
export interface MaxPooling2DSpec extends Pool2DFields { type: 'maxPooling2d' }

export const maxPooling2d: LayerType<MaxPooling2DSpec> = {
  type: 'maxPooling2d',
  className: 'MaxPooling2D',
  kerasName: 'max_pooling2d',
  schema: pool2dSchema('maxPooling2d'),

  outputShape: poolOutputShape,

  // x [n, h, w, c] -> [n, oh, ow, c]
  forward: ({ layer: l, x }) => ({ out: tf.maxPool(x as tf.Tensor4D, poolWindow(l), poolStrides(l), poolPadding(l)) }),
  // g [n, oh, ow, c] -> dx [n, h, w, c]: each window's gradient to its maximum.
  backward: ({ layer: l, x, y, g }) => tf.engine().runKernel(tf.MaxPoolGrad, { dy: g, input: x, output: y }, poolAttrs(l) as unknown as tf.NamedAttrMap) as tf.Tensor,

  toKeras: poolToKeras,
  fromKeras: (r) => poolFromKeras(r, 'maxPooling2d'),
  toTfjs: (l, { name, inputShape }) => tfl.layers.maxPooling2d(poolToTfjs(l, name, inputShape)),

  // 'same' pads with -Infinity: only in-bounds cells compete.
  reference: ({ layer: l, n, a, inShape, outShape }) => referencePool2d(l, a, n, inShape, outShape, (v) => Math.max(...v)),
};
