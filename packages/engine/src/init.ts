import { Random, UsageError } from '@tensorpool/core';
import type { ModelSpec } from './spec.js';
import { layerInfos, weightManifest } from './manifest.js';
import { layerType } from './layers/registry.js';

/**
 * Initial flat weights, each layer's initialisers (layers/<type>.ts `weights`;
 * Keras's defaults: glorot-uniform kernels and zero biases, gamma 1, beta 0,
 * moving mean 0, moving variance 1, layers/initializers.ts).
 *
 * Drawn from core's counter-based Random, one stream per weight entry
 * (seed, entryIndex), so the vector is identical on every backend, thread and
 * machine (tfjs's seeded initializers ignore their seed).
 */
export function initialWeights(spec: ModelSpec, seed: number, into?: Float32Array): Float32Array {
  const m = weightManifest(spec);
  if (into && into.length !== m.total) throw new UsageError(`initialWeights: 'into' has ${into.length} values but model '${spec.name}' needs ${m.total}`);
  // `into` (e.g. the trainer's shared weights) saves a second copy: 70 MB for the seed network.
  const w = into ?? new Float32Array(m.total);
  let i = 0; // manifest entry index: the random stream of each weight tensor
  let inShape: number[] = [...spec.inputShape];
  for (const info of layerInfos(spec)) {
    const l = spec.layers[info.index];
    const defs = layerType(l).weights?.(l, inShape) ?? [];
    info.weights.forEach((e, k) => {
      const r = new Random(seed, i++);
      defs[k].init(w.subarray(e.offset, e.offset + e.size), e.shape, () => r.next());
    });
    inShape = info.outputShape;
  }
  return w;
}
