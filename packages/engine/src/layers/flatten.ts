import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { size, type LayerType } from './layer-type.js';

/** Flatten [n, h, w, c] -> [n, h*w*c] in channels-last order (as Keras). */
export interface FlattenSpec { type: 'flatten' }

export const flatten: LayerType<FlattenSpec> = {
  type: 'flatten',
  className: 'Flatten',
  kerasName: 'flatten',
  schema: z.strictObject({ type: z.literal('flatten') }),

  outputShape: (_l, inShape) => [size(inShape)],

  // x [n, h, w, c] -> [n, h*w*c]
  forward: ({ x }) => ({ out: tf.reshape(x, [x.shape[0], -1]) }),
  // g [n, h*w*c] -> [n, h, w, c]
  backward: ({ x, g }) => tf.reshape(g, x.shape),

  toKeras: () => ({ data_format: 'channels_last' }),
  fromKeras(r) {
    r.channelsLast();
    return { type: 'flatten' };
  },
  toTfjs: (_l, { name, inputShape }) => tfl.layers.flatten({ ...(inputShape ? { inputShape } : {}), name }),

  reference: ({ a }) => a,
};
