import * as tf from '@tensorflow/tfjs-core';
import type { ModelSpec } from './spec.js';
import { isWeighted, layerType } from './layers/registry.js';
import type { ForwardPass, LayerParams } from './forward.js';

/**
 * The reverse pass written out by hand: each layer module's backward
 * (layers/<type>.ts, next to its forward) walking back the steps of forward()
 * (forward.ts), instead of tfjs's tape (tf.variableGrads). Why:
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

/**
 * The reverse pass from dLogits [n, classes]. Calls onGrad(layer, grads) once
 * per weighted layer, last layer first, one tensor per weight in the layer's
 * weights order; the tensors are disposed after the call. A layer whose kernel
 * is in host memory (layers/dense-host.ts) first hands dKernel out in row
 * blocks, onKernelRows(layer, row0, [rows, cols], disposed after the call),
 * then calls onGrad with null in the kernel's place. Disposes the pass's saved
 * tensors as it goes. Call inside tf.tidy.
 */
export function backward(
  pass: ForwardPass, spec: ModelSpec, params: (LayerParams | undefined)[], dLogits: tf.Tensor,
  onGrad: (layer: number, grads: (tf.Tensor | null)[]) => void,
  onKernelRows: (layer: number, row0: number, rows: tf.Tensor) => void = () => {
    throw new Error('backward: a host-kernel layer needs onKernelRows');
  },
): void {
  const { steps } = pass;
  // Below the first weighted step no gradient is needed.
  const first = steps.findIndex((s) => isWeighted(spec.layers[s.layer]));
  let dy: tf.Tensor = dLogits;
  for (let s = steps.length - 1; s >= first && s >= 0; s--) {
    const step = steps[s];
    const input = s > 0 ? steps[s - 1].out : pass.input;
    const needDx = s > first;
    const g = step.relu ? reluGrad(dy, step.out) : dy;
    const l = spec.layers[step.layer];
    const dx = layerType(l).backward({
      layer: l, x: input, y: step.out, g, mask: step.mask, saved: step.saved, params: params[step.layer], needDx,
      training: pass.training, sync: pass.sync,
      onGrad: (...grads) => {
        onGrad(step.layer, grads);
        tf.dispose(grads.filter((t): t is tf.Tensor => t !== null));
      },
      onKernelRows: (row0, rows) => onKernelRows(step.layer, row0, rows),
    });
    // Nothing before this step needs its output, mask, saved tensors or incoming gradient again.
    release([step.out, step.mask, ...(step.saved ?? []), dy, g], [dx, input]);
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
