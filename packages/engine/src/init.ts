import { Random, UsageError } from '@tensorpool/core';
import type { ModelSpec } from './spec.js';
import { weightManifest } from './manifest.js';

/**
 * Initial flat weights: glorot-uniform kernels, zero biases (Keras defaults).
 *
 * Drawn from core's counter-based Random, one stream per weight entry
 * (seed, entryIndex), so the vector is identical on every backend, thread and
 * machine (tfjs's seeded initializers ignore their seed).
 * Fans as Keras computes them: conv kernel [kh, kw, in, out] has
 * fan_in = kh*kw*in, fan_out = kh*kw*out; dense [in, out] has fan_in = in, fan_out = out.
 */
export function initialWeights(spec: ModelSpec, seed: number, into?: Float32Array): Float32Array {
  const m = weightManifest(spec);
  if (into && into.length !== m.total) throw new UsageError(`initialWeights: 'into' has ${into.length} values but model '${spec.name}' needs ${m.total}`);
  // `into` (e.g. the trainer's shared weights) saves a second copy: 70 MB for the seed network.
  const w = into ?? new Float32Array(m.total);
  m.entries.forEach((e, i) => {
    if (e.shape.length < 2) {
      w.fill(0, e.offset, e.offset + e.size); // bias: zeros
      return;
    }
    const receptive = e.shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const fanIn = receptive * e.shape[e.shape.length - 2];
    const fanOut = receptive * e.shape[e.shape.length - 1];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const r = new Random(seed, i);
    const out = w.subarray(e.offset, e.offset + e.size);
    for (let j = 0; j < out.length; j++) out[j] = (2 * r.next() - 1) * limit;
  });
  return w;
}
