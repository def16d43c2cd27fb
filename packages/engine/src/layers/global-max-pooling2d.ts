import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerType } from './layer-type.js';
import { globalPoolFromKeras, globalPoolOutputShape, globalPoolSchema, globalPoolToKeras, globalPoolToTfjs, referenceGlobalPool } from './global-pool-config.js';

/** GlobalMaxPooling2D: the maximum of each channel, [n, h, w, c] -> [n, c]. */
export interface GlobalMaxPooling2DSpec { type: 'globalMaxPooling2d' }

export const globalMaxPooling2d: LayerType<GlobalMaxPooling2DSpec> = {
  type: 'globalMaxPooling2d',
  className: 'GlobalMaxPooling2D',
  kerasName: 'global_max_pooling2d',
  schema: globalPoolSchema('globalMaxPooling2d'),

  outputShape: globalPoolOutputShape,

  // x [n, h, w, c] -> y [n, c]
  forward: ({ x }) => ({ out: tf.max(x, [1, 2]) }),
  // g [n, c] -> dx [n, h, w, c]: to the cells equal to their channel's maximum, split evenly
  // between ties (TF's gradient of reduce_max).
  backward({ x, y, g }) {
    const [n, , , c] = x.shape;
    return tf.tidy(() => {
      const hit = tf.cast(tf.equal(x, tf.reshape(y, [n, 1, 1, c])), 'float32'); // [n, h, w, c]
      const ties = tf.sum(hit, [1, 2], true); // [n, 1, 1, c]
      return tf.mul(hit, tf.div(tf.reshape(g, [n, 1, 1, c]), ties));
    });
  },

  toKeras: globalPoolToKeras,
  fromKeras: (r) => globalPoolFromKeras(r, 'globalMaxPooling2d'),
  toTfjs: (_l, { name, inputShape }) => tfl.layers.globalMaxPooling2d(globalPoolToTfjs(name, inputShape)),

  reference: ({ n, a, inShape }) => referenceGlobalPool(a, n, inShape, (v) => Math.max(...v)),
};
