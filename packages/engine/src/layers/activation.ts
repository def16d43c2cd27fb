import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { Activation } from '../spec.js';
import type { LayerType } from './layer-type.js';
import { activationSchema } from './window.js';

/**
 * A separate activation layer. 'relu' right after a linear conv2d/dense runs
 * fused into it (forward.ts); 'softmax' is only valid last (validate.ts) and
 * belongs to the loss, so the forward leaves it to the caller.
 */
export interface ActivationSpec { type: 'activation'; activation: Activation }

export const activation: LayerType<ActivationSpec> = {
  type: 'activation',
  className: 'Activation',
  kerasName: 'activation',
  schema: z.strictObject({ type: z.literal('activation'), activation: activationSchema }),

  outputShape: (_l, inShape) => inShape,
  activation: (l) => l.activation,

  // x [n, ...] -> relu(x) [n, ...] (relu is set for activation 'relu').
  forward: ({ x, relu }) => ({ out: relu ? tf.relu(x) : x }),
  // The ReLU's mask is applied by the caller (backprop.ts); nothing else to undo.
  backward: ({ g }) => g,

  toKeras: (l) => ({ activation: l.activation }),
  fromKeras: (r) => ({ type: 'activation', activation: r.activation() }),
  toTfjs: (l, { name, inputShape }) => tfl.layers.activation({ ...(inputShape ? { inputShape } : {}), name, activation: l.activation }),

  reference: ({ layer: l, a }) => (l.activation === 'relu' ? a.map((v) => Math.max(0, v)) : a),
};
