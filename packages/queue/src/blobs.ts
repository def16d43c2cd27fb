/**
 * Global weights and Adam state as binary blobs in Redis (never in job data).
 */
import type { Redis } from 'ioredis';
import { decodeWeights, encodeWeights, JobError } from '@tensorpool/core';
import type { Keys } from './keys.js';
import { parseAdamStep } from './stored.js';

export interface AdamState {
  m: Float32Array;
  v: Float32Array;
  step: number;
}

/** `round` (default 0): the round of `epoch` these weights start (see keys.ts). */
export async function putGlobalWeights(redis: Redis, keys: Keys, jobId: string, epoch: number, w: Float32Array, round = 0): Promise<void> {
  await redis.set(keys.weights(jobId, epoch, round), encodeWeights(w));
}

export async function getGlobalWeights(redis: Redis, keys: Keys, jobId: string, epoch: number, expected: number, round = 0): Promise<Float32Array> {
  const at = `epoch ${epoch + 1}${round ? ` round ${round + 1}` : ''}`;
  const buf = await redis.getBuffer(keys.weights(jobId, epoch, round));
  if (!buf) throw new JobError(`job ${jobId}: global weights for ${at} are missing (job cancelled or cleaned up?)`);
  return decodeWeights(buf, { expected, what: `global weights of ${at}` });
}

export async function hasGlobalWeights(redis: Redis, keys: Keys, jobId: string, epoch: number, round = 0): Promise<boolean> {
  return (await redis.exists(keys.weights(jobId, epoch, round))) === 1;
}

export async function putAdam(redis: Redis, key: string, s: AdamState): Promise<void> {
  await redis.hset(key, 'm', encodeWeights(s.m), 'v', encodeWeights(s.v), 'step', String(s.step));
}

/** Adam state stored under `key`, or undefined when there is none. */
export async function getAdam(redis: Redis, key: string, expected: number): Promise<AdamState | undefined> {
  const [m, v, step] = await redis.hmgetBuffer(key, 'm', 'v', 'step');
  if (!m && !v && !step) return undefined;
  if (!m || !v || !step) throw new JobError(`${key}: Adam state is incomplete (needs m, v and step): rejected`);
  return {
    m: decodeWeights(m, { expected, what: 'Adam m' }),
    v: decodeWeights(v, { expected, what: 'Adam v' }),
    step: parseAdamStep(key, step.toString('latin1')),
  };
}
