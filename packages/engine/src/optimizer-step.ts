import { adamUpdate, type AdamOptions } from './adam.js';
import type { WeightEntry } from './manifest.js';

/**
 * One optimizer step on the slice [start, end) of the flat vectors: Adam on
 * trainable weights, and on the moving statistics of batch normalization
 * (`moving`, manifest.ts movingEntries, sorted by offset) Keras's moving
 * average w = m·w + (1 - m)·g, where g there is the global batch's statistic
 * (the reduced gradient slot, layer-type.ts WeightDef). Adam's m, v stay 0 on
 * those entries. Elementwise, so threads may split it into slices.
 */
export function optimizerStep(
  w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, t: number, opts: AdamOptions,
  moving: readonly WeightEntry[], start = 0, end = w.length,
): void {
  let s = start;
  for (const e of moving) {
    const a = Math.max(e.offset, start);
    const b = Math.min(e.offset + e.size, end);
    if (a >= b) continue;
    if (s < a) adamUpdate(w, g, m, v, t, opts, s, a);
    const k = e.movingMomentum!;
    for (let i = a; i < b; i++) w[i] = k * w[i] + (1 - k) * g[i];
    s = b;
  }
  if (s < end) adamUpdate(w, g, m, v, t, opts, s, end);
}
