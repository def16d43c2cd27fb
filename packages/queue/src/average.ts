/**
 * Sample-weighted average of shard vectors: out = sum_k n_k * x_k / sum_k n_k.
 * Accumulates in float64 and always in shard order 0..S-1, so the result is
 * the same whichever worker produced which shard and in which order they
 * finished.
 */
import { JobError } from '@tensorpool/core';

export function weightedAverage(vectors: readonly Float32Array[], samples: readonly number[]): Float32Array {
  if (vectors.length === 0) throw new JobError('nothing to average: no shard results');
  if (vectors.length !== samples.length) throw new JobError(`average: ${vectors.length} vectors but ${samples.length} sample counts`);
  const len = vectors[0].length;
  let total = 0;
  for (let k = 0; k < vectors.length; k++) {
    if (vectors[k].length !== len) throw new JobError(`average: shard ${k} has ${vectors[k].length} values, shard 0 has ${len}`);
    if (!(samples[k] >= 0)) throw new JobError(`average: shard ${k} has invalid sample count ${samples[k]}`);
    total += samples[k];
  }
  if (total <= 0) throw new JobError('average: shards trained on 0 samples in total');
  const acc = new Float64Array(len);
  for (let k = 0; k < vectors.length; k++) {
    const w = samples[k] / total;
    if (w === 0) continue;
    const x = vectors[k];
    for (let i = 0; i < len; i++) acc[i] += w * x[i];
  }
  return Float32Array.from(acc);
}
