/**
 * `normalization: 'mean-std'` becomes numbers once, when the coordinator
 * starts the job: the per-channel mean and std of the samples trained on
 * (after the validation hold-out), stored in the job record's options as
 * `{ mean, std }`. Every worker and the evaluator then read the same numbers;
 * they are validated with the rest of the record when read back (stored.ts:
 * one finite mean and one std > 0 per channel).
 *
 * Idempotent: a coordinator that restarts after measuring finds the numbers
 * in the record and does not measure again.
 */
import { luaScript } from '@tensorpool/core';
import type { Redis } from 'ioredis';
import type { DatasetSplits } from '@tensorpool/data';
import type { Keys } from './keys.js';
import { jobSplits, meanStdOf } from './job-splits.js';
import { parseJobPayload } from './schema.js';
import type { JobRecord } from './state.js';

const REPLACE_OPTIONS = luaScript(new URL('../lua/replace-options-1.lua', import.meta.url));

/** Measures and stores mean/std for a queued 'mean-std' job; true when the record now holds numbers (or never needed them). */
export async function measureNormalization(redis: Redis, keys: Keys, rec: JobRecord, load: () => Promise<DatasetSplits>): Promise<boolean> {
  if (rec.options.normalization !== 'mean-std') return true;
  const data = await load();
  const stats = meanStdOf(data, jobSplits(data, rec.options));
  const before = await redis.hget(keys.job(rec.id), 'options');
  if (before === null) return false;
  const next: Record<string, unknown> = { ...JSON.parse(before) as Record<string, unknown>, normalization: stats };
  // Checked like any payload before it is written (channels, finite, std > 0).
  const { preset, ...payload } = next;
  void preset;
  parseJobPayload(payload);
  return (await REPLACE_OPTIONS(redis, [keys.job(rec.id)], [before, JSON.stringify(next)])) === 1;
}
