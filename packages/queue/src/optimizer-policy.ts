/**
 * The optimizer-state policy (`optimizer` job option, schema.ts) as one
 * object per policy, saying in one place what each side does with Adam's
 * moments (m, v, step) between rounds:
 *
 *   policy      worker loads                   shard result keeps   coordinator writes
 *   average     keys.adam(job, epoch, round)   m, v                 sample-weighted m̄, v̄, max step -> keys.adam(next)
 *   per-shard   keys.shardAdam(job, shard)     m, v                 shard k's m, v, step -> keys.shardAdam(job, k), copied inside Redis
 *   reset       nothing (zero moments, step 0) no m, v              nothing
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';
import { getAdam, putAdam, type AdamState } from './blobs.js';
import { keepShardAdam, type ShardResult } from './results.js';
import type { RoundAverage } from './round-average.js';
import type { RoundRef } from './rounds.js';
import type { OptimizerPolicy } from './schema.js';

/** One shard of one round of a job. */
export interface ShardAt extends RoundRef {
  jobId: string;
  shard: number;
}

export interface OptimizerStatePolicy {
  /** Worker: the Adam state shard `at` starts from (undefined: zero moments, step 0). */
  load(redis: Redis, keys: Keys, at: ShardAt, expected: number): Promise<AdamState | undefined>;
  /** Shard result: whether it stores m and v next to the weights. */
  readonly resultKeepsMoments: boolean;
  /** Coordinator: whether the round average accumulates m and v too (every result must have them). */
  readonly averagesMoments: boolean;
  /** Coordinator: writes what shard `at`'s result leaves for the next round, as the results stream past. */
  keepShard(redis: Redis, keys: Keys, at: ShardAt, r: ShardResult): Promise<void>;
  /** Coordinator: writes what the round's average leaves for round `next`. */
  keepAverage(redis: Redis, keys: Keys, jobId: string, next: RoundRef, avg: RoundAverage): Promise<void>;
}

const nothing = async (): Promise<void> => undefined;

export const OPTIMIZER_STATE_POLICIES: Record<OptimizerPolicy, OptimizerStatePolicy> = {
  average: {
    load: (redis, keys, at, expected) => getAdam(redis, keys.adam(at.jobId, at.epoch, at.round), expected),
    resultKeepsMoments: true,
    averagesMoments: true,
    keepShard: nothing,
    keepAverage: async (redis, keys, jobId, next, avg) => {
      if (avg.m && avg.v) await putAdam(redis, keys.adam(jobId, next.epoch, next.round), { m: Float32Array.from(avg.m), v: Float32Array.from(avg.v), step: avg.adamStep });
    },
  },
  // Shard k continues from its own Adam state next round.
  'per-shard': {
    load: (redis, keys, at, expected) => getAdam(redis, keys.shardAdam(at.jobId, at.shard), expected),
    resultKeepsMoments: true,
    averagesMoments: false,
    // The result's m and v are not read by the coordinator: a script copies them inside Redis (lua/keep-shard-adam-2.lua).
    keepShard: async (redis, keys, at, r) => {
      await keepShardAdam(redis, keys, at, r.meta.adamStep);
    },
    keepAverage: nothing,
  },
  reset: {
    load: async () => undefined,
    resultKeepsMoments: false,
    averagesMoments: false,
    keepShard: nothing,
    keepAverage: nothing,
  },
};

export function optimizerStatePolicy(name: OptimizerPolicy): OptimizerStatePolicy {
  return OPTIMIZER_STATE_POLICIES[name];
}
