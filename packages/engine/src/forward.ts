import * as tf from '@tensorflow/tfjs-core';
import type { ModelSpec } from './spec.js';
import { pair, type LayerInfo } from './manifest.js';

/**
 * The functional forward pass: plain tf ops over kernel/bias tensors, from
 * input [n, h, w, c] to the pre-softmax logits [n, classes]. The final softmax
 * is left to the caller (log-softmax for a stable loss, softmax for predict).
 *
 * Not tfjs-layers: its Dropout reuses one seed per call, we need per-sample masks.
 */
export interface LayerParams { kernel: tf.Tensor; bias: tf.Tensor }

/** Returns the dropout mask [n, ...featureShape] for a layer, or null for no dropout (inference). */
export type MaskFn = (layerIndex: number, rate: number, featureShape: number[], n: number) => tf.Tensor | null;

export function forwardLogits(
  spec: ModelSpec, infos: LayerInfo[], params: (LayerParams | undefined)[], x: tf.Tensor4D, mask: MaskFn | null,
): tf.Tensor2D {
  const layers = spec.layers;
  const n = x.shape[0];
  let y: tf.Tensor = x;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i];
    // A following 'relu' activation layer is fused into conv/dense (tfjs unfuses it
    // itself while recording gradients, so this only speeds up inference).
    const next = layers[i + 1];
    const fuseRelu = (l.type === 'conv2d' || l.type === 'dense') && (l.activation ?? 'linear') === 'linear' && next?.type === 'activation' && next.activation === 'relu';
    switch (l.type) {
      case 'conv2d': {
        const p = params[i]!;
        const act = fuseRelu ? 'relu' : l.activation === 'relu' ? 'relu' : 'linear';
        y = tf.fused.conv2d({
          x: y as tf.Tensor4D, filter: p.kernel as tf.Tensor4D, bias: p.bias,
          strides: pair(l.strides, [1, 1]), pad: l.padding ?? 'valid', activation: act,
        });
        if (fuseRelu) i++;
        break;
      }
      case 'dense': {
        const p = params[i]!;
        const act = fuseRelu ? 'relu' : l.activation === 'relu' ? 'relu' : 'linear';
        y = tf.fused.matMul({ a: y as tf.Tensor2D, b: p.kernel as tf.Tensor2D, bias: p.bias, activation: act });
        if (fuseRelu) i++;
        break;
      }
      case 'maxPooling2d': {
        const win = pair(l.poolSize, [2, 2]);
        y = tf.maxPool(y as tf.Tensor4D, win, pair(l.strides, win), l.padding ?? 'valid');
        break;
      }
      case 'dropout': {
        const m = mask && l.rate > 0 ? mask(i, l.rate, infos[i].outputShape, n) : null;
        if (m) y = tf.mul(y, m);
        break;
      }
      case 'flatten':
        y = tf.reshape(y, [n, -1]);
        break;
      case 'activation':
        if (l.activation === 'relu') y = tf.relu(y);
        // 'softmax' is only valid last (validate.ts) and is applied by the caller.
        break;
    }
  }
  return y as tf.Tensor2D;
}
