/**
 * What a spec will cost before anything is allocated: parameter count and an
 * estimate of the activation memory of one training batch. The job service
 * refuses specs above its limits with these numbers (DEFAULTS.limits.params,
 * DEFAULTS.limits.activationBytes), so a small spec with one huge layer is
 * turned away at enqueue instead of making a coordinator allocate until it dies.
 */
import type { ModelSpec } from './spec.js';
import { layerInfos } from './manifest.js';
import { layerType } from './layers/registry.js';
import { size } from './layers/layer-type.js';

/** Total parameters, trainable and not (the length of the flat weight vector; Keras's "Total params"). */
export function paramCount(spec: ModelSpec): number {
  return layerInfos(spec).reduce((a, l) => a + l.params, 0);
}

/**
 * Bytes of float32 activations one forward + backward pass over `batchSize`
 * samples holds at its peak, estimated as the input plus every layer's output
 * (kept for the reverse pass; a layer module may count otherwise,
 * `activationElements`), times two for the gradient of the largest one
 * flowing back: 4 * batch * (input + Σ outputs + max output).
 *
 *   seed preset (100x100x3), batch 32:  ~0.19 GB
 *   fashion-mnist preset, batch 32:     ~0.01 GB
 *
 * Computed in float64 from the shapes alone, so an absurd spec gives a huge
 * finite number (or Infinity), never an allocation.
 */
export function estimateActivationBytes(spec: ModelSpec, batchSize: number): number {
  let sum = size(spec.inputShape);
  let max = 0;
  for (const info of layerInfos(spec)) {
    const l = spec.layers[info.index];
    const n = layerType(l).activationElements?.(l, info.outputShape) ?? size(info.outputShape);
    sum += n;
    if (n > max) max = n;
  }
  return 4 * batchSize * (sum + max);
}
