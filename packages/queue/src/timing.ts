/**
 * BullMQ lease timings. A shard job's lock is renewed every lockDuration/2
 * from the worker's event loop (training runs in Piscina threads, so the loop
 * stays free); a worker killed mid-shard loses the lock after lockDuration
 * and the next stalled check (every stalledInterval) hands the shard to
 * another worker. Tests shrink both through the environment.
 */
import { DEFAULTS } from '@tensorpool/core';

export interface LeaseTimings {
  lockDuration: number;
  stalledInterval: number;
  /** Times a job may stall (its worker died) before it fails. */
  maxStalledCount: number;
}

function envMs(name: string, fallback: number): number {
  const v = process.env[name];
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function leaseTimings(overrides: Partial<LeaseTimings> = {}): LeaseTimings {
  return {
    lockDuration: overrides.lockDuration ?? envMs('TENSORPOOL_LOCK_MS', DEFAULTS.leaseMs),
    stalledInterval: overrides.stalledInterval ?? envMs('TENSORPOOL_STALLED_MS', DEFAULTS.leaseMs),
    maxStalledCount: overrides.maxStalledCount ?? envMs('TENSORPOOL_MAX_STALLED', 5),
  };
}

/** Attempts per shard job: a rejected result (bad size, NaN/Inf) is retried this many times in all. */
export function shardAttempts(): number {
  return envMs('TENSORPOOL_SHARD_ATTEMPTS', DEFAULTS.shardAttempts);
}
