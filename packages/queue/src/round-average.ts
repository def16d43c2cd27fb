/**
 * Streams a round's S shard results into float64 accumulators, one result
 * in memory at a time (instead of S model-sized vectors):
 *
 *   W̄ = Σ_k w_k W_k,  w_k = n_k / Σ n   (shard order 0..S-1, like weightedAverage)
 *   m̄, v̄ likewise when the Adam policy is 'average'
 *
 * and measures how far the shards drifted apart, with Δ_k = W - W_k (W the
 * round's start weights) and Δ̄ = W - W̄ = Σ w_k Δ_k:
 *
 *   shard k: |Δ_k| / |Δ̄|
 *   round spread: sqrt(Σ w_k |Δ_k - Δ̄|²) / |Δ̄| = sqrt(Σ w_k |Δ_k|² - |Δ̄|²) / |Δ̄|
 *
 * (the second form needs no second pass). 0 when every shard made the same
 * update; grows as they diverge.
 * Per-shard results (without their moments unless `moments`) are also
 * handed to `each` as they stream past (the optimizer-state policy keeps
 * per-shard Adam state from there: optimizer-policy.ts).
 */
import type { Redis } from 'ioredis';
import { JobError, type ShardResultMeta } from '@tensorpool/core';
import type { Keys } from './keys.js';
import { loadShardMeta, loadShardResult, type ShardResult } from './results.js';
import type { RoundRef } from './rounds.js';

export interface ShardDrift {
  shard: number;
  samples: number;
  /** |Δ_k| / |Δ̄| */
  deltaRatio: number;
}

export interface RoundAverage {
  /** W̄ in float64. */
  weights: Float64Array;
  m?: Float64Array;
  v?: Float64Array;
  /** Max of the shards' Adam steps. */
  adamStep: number;
  metas: ShardResultMeta[];
  /** |Δ̄| and the relative spread (NaN when |Δ̄| = 0). */
  deltaNorm: number;
  spread: number;
  drift: ShardDrift[];
}

export interface StreamOptions {
  jobId: string;
  shards: number;
  expected: number;
  /** Accumulate m and v too (Adam policy 'average'; every result must have them). */
  moments: boolean;
  each?: (shard: number, r: ShardResult) => Promise<void>;
}

export async function averageRound(redis: Redis, keys: Keys, at: RoundRef, start: Float32Array, o: StreamOptions): Promise<RoundAverage> {
  const ref = (shard: number) => ({ jobId: o.jobId, epoch: at.epoch, round: at.round, shard, expected: o.expected });
  const metas: ShardResultMeta[] = [];
  for (let k = 0; k < o.shards; k++) metas.push(await loadShardMeta(redis, keys, ref(k)));
  const total = metas.reduce((a, m) => a + m.samples, 0);
  if (o.shards === 0) throw new JobError('nothing to average: no shard results');
  const n = o.expected;
  // No samples in this round at all (more rounds than steps): the weights stay.
  const acc = total > 0 ? new Float64Array(n) : Float64Array.from(start);
  const accM = o.moments ? new Float64Array(n) : undefined;
  const accV = o.moments ? new Float64Array(n) : undefined;
  const sq: number[] = [];
  for (let k = 0; k < o.shards; k++) {
    // Moments only when they are averaged; 'per-shard' copies them inside Redis (results.ts keepShardAdam).
    const r = await loadShardResult(redis, keys, ref(k), { moments: o.moments });
    // The sample count the weight was computed from must be the one averaged.
    if (r.meta.samples !== metas[k].samples) throw new JobError(`shard ${k}: result changed while it was averaged`);
    const w = total > 0 ? metas[k].samples / total : 0;
    sq.push(addScaled(acc, r.weights, w, start));
    if (accM && accV) {
      if (!r.m || !r.v) throw new JobError(`job ${o.jobId}: shard ${k} result has no Adam moments (policy 'average')`);
      addScaled(accM, r.m, total > 0 ? w : 1 / o.shards);
      addScaled(accV, r.v, total > 0 ? w : 1 / o.shards);
    }
    await o.each?.(k, r);
  }
  let dd = 0;
  for (let i = 0; i < n; i++) {
    const d = start[i] - acc[i];
    dd += d * d;
  }
  const deltaNorm = Math.sqrt(dd);
  const meanSq = total > 0 ? sq.reduce((a, s, k) => a + (metas[k].samples / total) * s, 0) : 0;
  return {
    weights: acc, ...(accM && accV ? { m: accM, v: accV } : {}),
    adamStep: Math.max(...metas.map((m) => m.adamStep)),
    metas, deltaNorm,
    spread: deltaNorm > 0 ? Math.sqrt(Math.max(0, meanSq - dd)) / deltaNorm : NaN,
    drift: metas.map((m, k) => ({ shard: k, samples: m.samples, deltaRatio: deltaNorm > 0 ? Math.sqrt(sq[k]) / deltaNorm : NaN })),
  };
}

/**
 * acc += w·x (skipped when w = 0, as weightedAverage does); with `start`,
 * returns |start - x|², the squared norm of this shard's delta.
 */
function addScaled(acc: Float64Array, x: Float32Array, w: number, start?: Float32Array): number {
  let ss = 0;
  if (w !== 0) for (let i = 0; i < x.length; i++) acc[i] += w * x[i];
  if (start) {
    for (let i = 0; i < x.length; i++) {
      const d = start[i] - x[i];
      ss += d * d;
    }
  }
  return ss;
}
