import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerType } from './layer-type.js';
import { globalPoolFromKeras, globalPoolOutputShape, globalPoolSchema, globalPoolToKeras, globalPoolToTfjs, referenceGlobalPool } from './global-pool-config.js';

/** GlobalAveragePooling2D: the mean of each channel, [n, h, w, c] -> [n, c]. */
export interface GlobalAveragePooling2DSpec { type: 'globalAveragePooling2d' }

export const globalAveragePooling2d: LayerType<GlobalAveragePooling2DSpec> = {
  type: 'globalAveragePooling2d',
  className: 'GlobalAveragePooling2D',
  kerasName: 'global_average_pooling2d',
  schema: globalPoolSchema('globalAveragePooling2d'),

  outputShape: globalPoolOutputShape,

  // x [n, h, w, c] -> [n, c]
  forward: ({ x }) => ({ out: tf.mean(x, [1, 2]) }),
  // g [n, c] -> dx [n, h, w, c] = g / (h*w) at every position.
  backward({ x, g }) {
    const [n, h, w, c] = x.shape;
    return tf.tidy(() => tf.tile(tf.reshape(tf.div(g, h * w), [n, 1, 1, c]), [1, h, w, 1]));
  },

  toKeras: globalPoolToKeras,
  fromKeras: (r) => globalPoolFromKeras(r, 'globalAveragePooling2d'),
  toTfjs: (_l, { name, inputShape }) => tfl.layers.globalAveragePooling2d(globalPoolToTfjs(name, inputShape)),

  reference: ({ n, a, inShape }) => referenceGlobalPool(a, n, inShape, (v) => v.reduce((s, x) => s + x, 0) / v.length),
};
