import { Random } from '@tensorpool/core';

/**
 * Inverted-dropout masks drawn per sample, so a batch's gradient does not
 * depend on how it is split across threads or workers: sample `sampleIds[i]`
 * at dropout layer `layerIndex` always gets the mask from
 * Random(seed, epoch, sampleIds[i], layerIndex).
 *
 * Mask values are 0 (dropped, probability `rate`) or 1/(1-rate) (kept), as in
 * Keras, so no rescaling is needed at inference.
 */
export interface DropoutDraw { seed: number; epoch: number; sampleIds: ArrayLike<number> }

/** Fills out[n * perSample]: row i is sample i's mask (features in [h, w, c] order). */
export function fillDropoutMask(
  out: Float32Array, n: number, perSample: number, rate: number, layerIndex: number, draw: DropoutDraw,
): Float32Array {
  const scale = 1 / (1 - rate);
  // next() < rate  <=>  nextUint32() < rate * 2^32 exactly (scaling by 2^32 is exact), without the division.
  const threshold = rate * 4294967296;
  for (let i = 0; i < n; i++) {
    const r = new Random(draw.seed, draw.epoch, draw.sampleIds[i], layerIndex);
    const base = i * perSample;
    for (let j = 0; j < perSample; j++) out[base + j] = r.nextUint32() < threshold ? 0 : scale;
  }
  return out;
}

export function dropoutMask(n: number, perSample: number, rate: number, layerIndex: number, draw: DropoutDraw): Float32Array {
  return fillDropoutMask(new Float32Array(n * perSample), n, perSample, rate, layerIndex, draw);
}
