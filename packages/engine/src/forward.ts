import * as tf from '@tensorflow/tfjs-core';
import type { ModelSpec } from './spec.js';
import { pair, type LayerInfo } from './manifest.js';

/**
 * The functional forward pass: plain tf ops over kernel/bias tensors, from
 * input [n, h, w, c] to the pre-softmax logits [n, classes]. The final softmax
 * is left to the caller (log-softmax for a stable loss, softmax for predict).
 * It returns the steps it took, which is what the reverse pass (backprop.ts)
 * walks back; inference only takes the logits.
 *
 * Not tfjs-layers: its Dropout reuses one seed per call, we need per-sample masks.
 * Conv/dense layers run fused with their bias and a ReLU (their own activation,
 * or a ReLU activation layer right after, folded in): one kernel and one output.
 */
export interface LayerParams { kernel: tf.Tensor; bias: tf.Tensor }

/** Returns the dropout mask [n, ...featureShape] for a layer, or null for no dropout (inference). */
export type MaskFn = (layerIndex: number, rate: number, featureShape: number[], n: number) => tf.Tensor | null;

/** One forward step: a layer, or a conv/dense layer with the ReLU activation layer after it fused in. */
export interface Step {
  layer: number;
  type: 'conv2d' | 'dense' | 'maxPooling2d' | 'dropout' | 'flatten' | 'activation';
  /** The step's output has had a ReLU applied (its gradient is masked by output > 0). */
  relu: boolean;
  /** Output [n, ...]; input is the previous step's output (or the network input). */
  out: tf.Tensor;
  mask?: tf.Tensor;
}

export interface ForwardPass {
  /** Pre-softmax logits [n, classes]. */
  logits: tf.Tensor2D;
  steps: Step[];
  input: tf.Tensor4D;
}

/** The forward pass; `mask` null means inference (no dropout). Call inside tf.tidy. */
export function forward(
  spec: ModelSpec, infos: LayerInfo[], params: (LayerParams | undefined)[], x: tf.Tensor4D, mask: MaskFn | null,
): ForwardPass {
  const layers = spec.layers;
  const n = x.shape[0];
  const steps: Step[] = [];
  let y: tf.Tensor = x;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i];
    const next = layers[i + 1];
    const fuse = (l.type === 'conv2d' || l.type === 'dense') && (l.activation ?? 'linear') === 'linear'
      && next?.type === 'activation' && next.activation === 'relu';
    const relu = fuse || ((l.type === 'conv2d' || l.type === 'dense' || l.type === 'activation') && l.activation === 'relu');
    const step: Step = { layer: i, type: l.type, relu, out: y };
    switch (l.type) {
      case 'conv2d': {
        const p = params[i]!;
        step.out = tf.fused.conv2d({
          x: y as tf.Tensor4D, filter: p.kernel as tf.Tensor4D, bias: p.bias,
          strides: pair(l.strides, [1, 1]), pad: l.padding ?? 'valid', activation: relu ? 'relu' : 'linear',
        });
        break;
      }
      case 'dense': {
        const p = params[i]!;
        step.out = tf.fused.matMul({ a: y as tf.Tensor2D, b: p.kernel as tf.Tensor2D, bias: p.bias, activation: relu ? 'relu' : 'linear' });
        break;
      }
      case 'maxPooling2d': {
        const win = pair(l.poolSize, [2, 2]);
        step.out = tf.maxPool(y as tf.Tensor4D, win, pair(l.strides, win), l.padding ?? 'valid');
        break;
      }
      case 'dropout': {
        const m = mask && l.rate > 0 ? mask(i, l.rate, infos[i].outputShape, n) : null;
        if (m) {
          step.mask = m;
          step.out = tf.mul(y, m);
        }
        break;
      }
      case 'flatten':
        step.out = tf.reshape(y, [n, -1]);
        break;
      case 'activation':
        // 'softmax' is only valid last (validate.ts) and belongs to the loss.
        if (l.activation === 'relu') step.out = tf.relu(y);
        break;
    }
    steps.push(step);
    y = step.out;
    if (fuse) i++;
  }
  return { logits: y as tf.Tensor2D, steps, input: x };
}

/** Inference logits [n, classes] (or with `mask`, the training forward without its steps). */
export function forwardLogits(
  spec: ModelSpec, infos: LayerInfo[], params: (LayerParams | undefined)[], x: tf.Tensor4D, mask: MaskFn | null,
): tf.Tensor2D {
  return forward(spec, infos, params, x, mask).logits;
}
