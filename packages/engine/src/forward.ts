import * as tf from '@tensorflow/tfjs-core';
import type { LayerSpec, ModelSpec } from './spec.js';
import type { LayerInfo } from './manifest.js';
import { layerType } from './layers/registry.js';
import { LOCAL_ALL_REDUCE, type BatchAllReduce, type LayerParams, type MaskFn } from './layers/layer-type.js';

export type { BatchAllReduce, LayerParams, MaskFn } from './layers/layer-type.js';

/**
 * The functional forward pass: each layer module's forward (layers/<type>.ts)
 * over kernel/bias tensors, from input [n, h, w, c] to the pre-softmax logits
 * [n, classes]. The final softmax is left to the caller (log-softmax for a
 * stable loss, softmax for predict). It returns the steps it took, which is
 * what the reverse pass (backprop.ts) walks back; inference only takes the logits.
 *
 * Not tfjs-layers: its Dropout reuses one seed per call, we need per-sample masks.
 * Conv/dense layers run fused with their bias and a ReLU (their own activation,
 * or a ReLU activation layer right after, folded in): one kernel and one output.
 */

/** One forward step: a layer, or a conv/dense layer with the ReLU activation layer after it fused in. */
export interface Step {
  layer: number;
  type: LayerSpec['type'];
  /** The step's output has had a ReLU applied (its gradient is masked by output > 0). */
  relu: boolean;
  /** Output [n, ...]; input is the previous step's output (or the network input). */
  out: tf.Tensor;
  mask?: tf.Tensor;
  saved?: tf.Tensor[];
}

export interface ForwardPass {
  /** Pre-softmax logits [n, classes]. */
  logits: tf.Tensor2D;
  steps: Step[];
  input: tf.Tensor4D;
  /** Training mode (dropout masks, batch statistics) and the cross-thread sums it used. */
  training: boolean;
  sync: BatchAllReduce;
}

/**
 * The forward pass; `mask` null means inference (no dropout, moving statistics),
 * otherwise training (dropout, batch statistics summed across the global
 * batch's parts through `sync`). Call inside tf.tidy.
 */
export function forward(
  spec: ModelSpec, infos: LayerInfo[], params: (LayerParams | undefined)[], x: tf.Tensor4D, mask: MaskFn | null,
  sync: BatchAllReduce = LOCAL_ALL_REDUCE,
): ForwardPass {
  const training = mask !== null;
  const layers = spec.layers;
  const steps: Step[] = [];
  let y: tf.Tensor = x;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i];
    const t = layerType(l);
    const next = layers[i + 1];
    const own = t.activation?.(l);
    const fuse = t.fusesRelu === true && (own ?? 'linear') === 'linear' && next?.type === 'activation' && next.activation === 'relu';
    const relu = fuse || own === 'relu';
    const r = t.forward({ layer: l, index: i, x: y, params: params[i], relu, outShape: infos[i].outputShape, mask, training, sync });
    steps.push({ layer: i, type: l.type, relu, out: r.out, ...(r.mask ? { mask: r.mask } : {}), ...(r.saved ? { saved: r.saved } : {}) });
    y = r.out;
    if (fuse) i++;
  }
  return { logits: y as tf.Tensor2D, steps, input: x, training, sync };
}

/** Inference logits [n, classes] (or with `mask`, the training forward without its steps). */
export function forwardLogits(
  spec: ModelSpec, infos: LayerInfo[], params: (LayerParams | undefined)[], x: tf.Tensor4D, mask: MaskFn | null,
): tf.Tensor2D {
  return forward(spec, infos, params, x, mask).logits;
}
