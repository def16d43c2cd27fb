/**
 * The outer optimizer's momentum buffer u in Redis, one blob per round like
 * the weights: `outer:<e>[.<r>]` holds u at the start of that round. The
 * coordinator reads the finishing round's u and writes the next round's, and
 * deletes the old one only after the record moved on, so a coordinator that
 * dies anywhere in between recomputes the same step from the same inputs
 * (never applies the momentum twice).
 */
import type { Redis } from 'ioredis';
import { decodeWeights, encodeWeights, JobError } from '@tensorpool/core';
import type { Keys } from './keys.js';
import type { JobOptions } from './schema.js';
import type { RoundRef } from './rounds.js';

export async function putOuterMomentum(redis: Redis, keys: Keys, jobId: string, at: RoundRef, u: Float32Array): Promise<void> {
  await redis.hset(keys.outer(jobId, at.epoch, at.round), 'u', encodeWeights(u));
}

/**
 * u at the start of round `at`: undefined for 'average' and before the first
 * round (zeros); JobError when it should exist but is missing or corrupt.
 */
export async function getOuterMomentum(redis: Redis, keys: Keys, jobId: string, at: RoundRef, expected: number, o: Pick<JobOptions, 'outer'>): Promise<Float32Array | undefined> {
  if ((o.outer ?? 'average') === 'average') return undefined;
  const buf = await redis.hgetBuffer(keys.outer(jobId, at.epoch, at.round), 'u');
  const what = `outer momentum at the start of epoch ${at.epoch + 1} round ${at.round + 1}`;
  if (!buf) {
    if (at.epoch === 0 && at.round === 0) return undefined;
    throw new JobError(`job ${jobId}: ${what} is missing (job cleaned up?)`);
  }
  return decodeWeights(buf, { expected, what });
}
