import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { LayerType } from './layer-type.js';

/**
 * Inverted dropout with per-sample masks (../dropout.ts draws them from
 * (seed, epoch, sampleId, layer), so a batch's gradient does not depend on its
 * split across threads). Not tfjs-layers' Dropout: it reuses one seed per call.
 */
export interface DropoutSpec { type: 'dropout'; rate: number }

export const dropout: LayerType<DropoutSpec> = {
  type: 'dropout',
  className: 'Dropout',
  kerasName: 'dropout',
  schema: z.strictObject({ type: z.literal('dropout'), rate: z.number().min(0).lt(1) }),

  outputShape: (_l, inShape) => inShape,

  // x [n, ...] -> x * mask [n, ...]; x itself at inference or rate 0.
  forward({ layer: l, index, x, outShape, mask }) {
    const m = mask && l.rate > 0 ? mask(index, l.rate, outShape, x.shape[0]) : null;
    return m ? { out: tf.mul(x, m), mask: m } : { out: x };
  },
  backward: ({ g, mask }) => (mask ? tf.mul(g, mask) : g),

  toKeras: (l) => ({ rate: l.rate, noise_shape: null, seed: null }),
  fromKeras: (r) => ({ type: 'dropout', rate: Number(r.cfg.rate) }),
  toTfjs: (l, { name, inputShape }) => tfl.layers.dropout({ ...(inputShape ? { inputShape } : {}), name, rate: l.rate }),

  reference({ a, mask }) {
    const y = Float64Array.from(a);
    if (mask) for (let i = 0; i < y.length; i++) y[i] *= mask[i];
    return y;
  },
};
