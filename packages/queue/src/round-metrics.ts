/**
 * Metrics of an averaged round and of a finished epoch (its rounds folded
 * together), as stored in Redis and shown by `status` / GET /jobs/:id.
 */
import type { ShardResultMeta } from '@tensorpool/core';
import type { Evaluation } from './evaluate.js';
import type { RoundAverage } from './round-average.js';
import type { RoundRef } from './rounds.js';
import type { EpochMetrics, RoundMetrics } from './state.js';

/** Worker ids and seconds per shard of a round, kept so the epoch can sum them. */
type RoundWithShards = RoundMetrics & { shards: (RoundMetrics['shards'][number] & { seconds?: number; worker?: string })[] };

/** Σ n_i f(x_i) / Σ n_i over the items with samples (NaN when none has any). */
function sampleWeighted<T extends { samples: number }>(items: T[], f: (x: T) => number): number {
  const total = items.reduce((a, x) => a + x.samples, 0);
  return total ? items.reduce((a, x) => a + (x.samples ? f(x) * x.samples : 0), 0) / total : NaN;
}

export function roundMetricsOf(at: RoundRef, avg: RoundAverage): RoundWithShards {
  const metas = avg.metas;
  const samples = metas.reduce((a, m) => a + m.samples, 0);
  const mean = (f: (m: ShardResultMeta) => number) => sampleWeighted(metas, f);
  return {
    epoch: at.epoch + 1,
    round: at.round + 1,
    samples,
    loss: mean((m) => m.loss),
    accuracy: mean((m) => m.accuracy),
    deltaNorm: avg.deltaNorm,
    spread: avg.spread,
    shards: avg.drift.map((d, k) => ({ ...d, seconds: metas[k].seconds, worker: metas[k].worker })),
  };
}

/**
 * The epoch's metrics from its rounds: loss/accuracy sample-weighted over all
 * rounds and shards, per shard the summed samples and seconds; validation
 * (when the job holds some out) and test metrics of the epoch's final weights apart. `lastMetas`
 * are the last round's metas (used when no round metrics were recorded).
 */
export function epochMetricsOf(epoch: number, rounds: RoundWithShards[], lastMetas: ShardResultMeta[], val: Evaluation, seconds: number): EpochMetrics {
  const total = rounds.reduce((a, r) => a + r.samples, 0);
  const weighted = (f: (r: RoundMetrics) => number) => sampleWeighted(rounds, f);
  const shards = lastMetas.map((_, shard) => {
    const per = rounds.map((r) => r.shards[shard]).filter((x) => x !== undefined);
    const workers = [...new Set(per.map((x) => x.worker ?? ''))].filter(Boolean);
    return {
      shard,
      samples: per.reduce((a, x) => a + x.samples, 0),
      seconds: per.reduce((a, x) => a + (x.seconds ?? 0), 0),
      worker: workers.join(','),
    };
  });
  return {
    epoch: epoch + 1,
    loss: weighted((r) => r.loss),
    accuracy: weighted((r) => r.accuracy),
    ...(val.validation ? { valLoss: val.validation.loss, valAccuracy: val.validation.accuracy } : {}),
    testLoss: val.test.loss,
    testAccuracy: val.test.accuracy,
    samples: total,
    seconds,
    shards,
    rounds: rounds.map(({ shards: s, ...r }) => ({ ...r, shards: s.map(({ shard, samples, deltaRatio }) => ({ shard, samples, deltaRatio })) })),
  };
}
