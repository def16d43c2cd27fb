import { Random, UsageError } from '@tensorpool/core';
import type { ModelSpec } from './spec.js';
import { layerInfos, weightManifest } from './manifest.js';
import { layerType } from './layers/registry.js';
import { KERAS_DEFAULT_INIT } from './layers/initializers.js';

/**
 * Initial flat weights, each layer's initialisers (layers/<type>.ts `init`;
 * Keras's defaults glorot-uniform kernels and zero biases, layers/initializers.ts).
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
  for (const info of layerInfos(spec)) {
    if (!info.kernel || !info.bias) continue;
    const init = layerType(spec.layers[info.index]).init ?? KERAS_DEFAULT_INIT;
    for (const [e, fn] of [[info.kernel, init.kernel], [info.bias, init.bias]] as const) {
      const r = new Random(seed, i++);
      fn(w.subarray(e.offset, e.offset + e.size), e.shape, () => r.next());
    }
  }
  return w;
}
