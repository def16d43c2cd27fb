import * as tf from '@tensorflow/tfjs-core';
import type { ModelSpec } from './spec.js';
import { pair, type LayerInfo } from './manifest.js';
import type { LayerParams, MaskFn } from './forward.js';

/**
 * Training forward and reverse pass written out by hand over the spec's small
 * layer vocabulary, instead of tfjs's tape (tf.variableGrads). Why:
 * - the tape unfuses conv/dense + bias + ReLU while recording (three kernels and
 *   three saved [n, h, w, c] tensors per layer); here the forward runs fused and
 *   keeps one output per layer;
 * - the tape keeps every activation and every intermediate gradient alive until
 *   the whole gradient is done; here each is disposed as soon as the reverse
 *   pass has gone past it, which halves the peak memory of a step (seed net);
 * - no tape bookkeeping per kernel.
 * The result is the gradient of the SUMMED categorical cross-entropy, the same
 * as the tape's (tested against it and against finite differences).
 */

/** One forward step: a layer, or a conv/dense layer with the ReLU activation layer after it fused in. */
interface Step {
  layer: number;
  type: 'conv2d' | 'dense' | 'maxPooling2d' | 'dropout' | 'flatten' | 'activation';
  /** The step's output has had a ReLU applied (its gradient is masked by output > 0). */
  relu: boolean;
  /** Output [n, ...]; input is the previous step's output (or the network input). */
  out: tf.Tensor;
  mask?: tf.Tensor;
}

export interface TrainPass {
  /** Pre-softmax logits [n, classes]. */
  logits: tf.Tensor2D;
  steps: Step[];
  input: tf.Tensor4D;
}

/** Runs the forward pass for training, keeping what the reverse pass needs. Call inside tf.tidy. */
export function forwardTrain(
  spec: ModelSpec, infos: LayerInfo[], params: (LayerParams | undefined)[], x: tf.Tensor4D, mask: MaskFn,
): TrainPass {
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
        const m = l.rate > 0 ? mask(i, l.rate, infos[i].outputShape, n) : null;
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

/**
 * The reverse pass from dLogits [n, classes]. Calls onGrad(layer, dKernel, dBias)
 * once per weighted layer, last layer first; the tensors are disposed after the
 * call. Disposes the pass's saved tensors as it goes. Call inside tf.tidy.
 */
export function backward(
  pass: TrainPass, spec: ModelSpec, params: (LayerParams | undefined)[], dLogits: tf.Tensor,
  onGrad: (layer: number, dKernel: tf.Tensor, dBias: tf.Tensor) => void,
): void {
  const { steps } = pass;
  // Below the first weighted step no gradient is needed.
  const first = steps.findIndex((s) => s.type === 'conv2d' || s.type === 'dense');
  let dy: tf.Tensor = dLogits;
  for (let s = steps.length - 1; s >= first && s >= 0; s--) {
    const step = steps[s];
    const input = s > 0 ? steps[s - 1].out : pass.input;
    const needDx = s > first;
    let dx: tf.Tensor | null = null;
    const g = step.relu ? reluGrad(dy, step.out) : dy;
    const l = spec.layers[step.layer];
    switch (l.type) {
      case 'conv2d': {
        const p = params[step.layer]!;
        const strides = pair(l.strides, [1, 1]);
        const pad = l.padding ?? 'valid';
        const dK = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: input, dy: g },
          { strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: p.kernel.shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
        const dB = tf.sum(g, [0, 1, 2]);
        onGrad(step.layer, dK, dB);
        tf.dispose([dK, dB]);
        if (needDx) {
          dx = tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: g, filter: p.kernel },
            { strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: input.shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
        }
        break;
      }
      case 'dense': {
        const p = params[step.layer]!;
        const dK = tf.matMul(input as tf.Tensor2D, g as tf.Tensor2D, true, false);
        const dB = tf.sum(g, 0);
        onGrad(step.layer, dK, dB);
        tf.dispose([dK, dB]);
        if (needDx) dx = tf.matMul(g as tf.Tensor2D, p.kernel as tf.Tensor2D, false, true);
        break;
      }
      case 'maxPooling2d': {
        const win = pair(l.poolSize, [2, 2]);
        dx = tf.engine().runKernel(tf.MaxPoolGrad, { dy: g, input, output: step.out },
          { filterSize: win, strides: pair(l.strides, win), pad: l.padding ?? 'valid', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap) as tf.Tensor;
        break;
      }
      case 'dropout':
        dx = step.mask ? tf.mul(g, step.mask) : g;
        break;
      case 'flatten':
        dx = tf.reshape(g, input.shape);
        break;
      case 'activation':
        dx = g;
        break;
    }
    // Nothing before this step needs its output, mask or incoming gradient again.
    release([step.out, step.mask, dy, g], [dx, input]);
    dy = dx ?? dy;
    if (!needDx) break;
  }
}

/** dy where the ReLU output y > 0, else 0 (y > 0 exactly when its input was). */
function reluGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(dy, tf.step(y)));
}

/** Disposes each tensor unless it is (the same object as) one still in use. */
function release(done: (tf.Tensor | undefined)[], keep: (tf.Tensor | null)[]): void {
  const seen = new Set<tf.Tensor>();
  for (const t of done) {
    if (!t || seen.has(t) || keep.includes(t)) continue;
    seen.add(t);
    t.dispose();
  }
}
