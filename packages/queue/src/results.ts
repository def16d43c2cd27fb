/**
 * Shard results in Redis, keyed by (job, epoch, shard) and written once:
 * a Lua script (lua/store-once-2.lua) stores the hash only if the key does not exist, so a
 * duplicate delivery of a shard (BullMQ is at-least-once) never replaces or
 * double-counts the first result. Results are validated before they are
 * stored and again when read (size, NaN/Inf).
 */
import type { Redis } from 'ioredis';
import { decodeWeights, encodeWeights, JobError, luaScript, type ShardResultMeta } from '@tensorpool/core';
import type { Keys } from './keys.js';
import { parseShardMeta } from './stored.js';

export interface ShardResult {
  weights: Float32Array;
  /** Adam moments after the local epoch (absent when the policy does not need them). */
  m?: Float32Array;
  v?: Float32Array;
  meta: ShardResultMeta;
}

export interface ShardRef {
  jobId: string;
  epoch: number;
  shard: number;
  /** Round within the epoch (absent = 0). */
  round?: number;
  /** Number of weights of the job's model. */
  expected: number;
}

const STORE_ONCE = luaScript(new URL('../lua/store-once-2.lua', import.meta.url));

export function describeShard(ref: Pick<ShardRef, 'epoch' | 'shard' | 'round'>): string {
  return `shard ${ref.shard} of epoch ${ref.epoch + 1}${ref.round ? ` round ${ref.round + 1}` : ''}`;
}

function checkVector(x: Float32Array, ref: ShardRef, what: string): void {
  const name = `${describeShard(ref)}: ${what}`;
  if (x.length !== ref.expected) throw new JobError(`${name} has ${x.length} values, expected ${ref.expected}: rejected`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new JobError(`${name} contains ${x[i]} at index ${i}: rejected`);
  }
}

function checkMeta(meta: ShardResultMeta, ref: ShardRef): void {
  if (!Number.isSafeInteger(meta.samples) || meta.samples < 0) {
    throw new JobError(`${describeShard(ref)}: sample count ${meta.samples} is not a non-negative integer: rejected`);
  }
}

/**
 * Validates and stores a shard result once. Returns true when this call
 * stored it, false when a result for (job, epoch, shard) already existed.
 * Throws JobError (and stores nothing) when the result is invalid.
 */
export async function storeShardResult(redis: Redis, keys: Keys, ref: ShardRef, result: ShardResult): Promise<boolean> {
  try {
    checkVector(result.weights, ref, 'weights');
    if (result.m) checkVector(result.m, ref, 'Adam m');
    if (result.v) checkVector(result.v, ref, 'Adam v');
    checkMeta(result.meta, ref);
  } catch (e) {
    await redis.incr(keys.shardsRejected);
    throw e;
  }
  const args: (string | Buffer)[] = ['weights', encodeWeights(result.weights), 'meta', JSON.stringify(result.meta)];
  if (result.m && result.v) args.push('m', encodeWeights(result.m), 'v', encodeWeights(result.v));
  const stored = await STORE_ONCE(redis, [keys.result(ref.jobId, ref.epoch, ref.shard, ref.round), keys.shardsDone], args);
  if (stored === 1) await redis.sadd(keys.jobWorkers(ref.jobId), result.meta.worker);
  return stored === 1;
}

export async function hasShardResult(redis: Redis, keys: Keys, ref: Omit<ShardRef, 'expected'>): Promise<boolean> {
  return (await redis.exists(keys.result(ref.jobId, ref.epoch, ref.shard, ref.round))) === 1;
}

function parseMeta(meta: Buffer | null, ref: ShardRef): ShardResultMeta {
  const what = describeShard(ref);
  if (!meta) throw new JobError(`${what}: no result stored`);
  const parsed = parseShardMeta(what, meta.toString('utf8'));
  checkMeta(parsed, ref);
  return parsed;
}

/** Only the (validated) metadata of a stored shard result: lets the coordinator weigh results before streaming them. */
export async function loadShardMeta(redis: Redis, keys: Keys, ref: ShardRef): Promise<ShardResultMeta> {
  return parseMeta(await redis.hgetBuffer(keys.result(ref.jobId, ref.epoch, ref.shard, ref.round), 'meta'), ref);
}

/**
 * Reads and re-validates a stored shard result; JobError naming the shard
 * when missing or corrupt. `moments: false` leaves the Adam moments in Redis
 * (two model-sized vectors the caller does not need).
 */
export async function loadShardResult(redis: Redis, keys: Keys, ref: ShardRef, opts: { moments?: boolean } = {}): Promise<ShardResult> {
  const key = keys.result(ref.jobId, ref.epoch, ref.shard, ref.round);
  const [weights, meta, m, v] = opts.moments === false ? [...(await redis.hmgetBuffer(key, 'weights', 'meta')), null, null] : await redis.hmgetBuffer(key, 'weights', 'meta', 'm', 'v');
  const what = describeShard(ref);
  if (!weights || !meta) throw new JobError(`${what}: no result stored`);
  const parsed = parseMeta(meta, ref);
  return {
    weights: decodeWeights(weights, { expected: ref.expected, what: `${what} weights` }),
    ...(m && v ? { m: decodeWeights(m, { expected: ref.expected, what: `${what} Adam m` }), v: decodeWeights(v, { expected: ref.expected, what: `${what} Adam v` }) } : {}),
    meta: parsed,
  };
}

const KEEP_SHARD_ADAM = luaScript(new URL('../lua/keep-shard-adam-2.lua', import.meta.url));

/** 'per-shard' policy: the result's m and v become shard `ref.shard`'s Adam state (copied inside Redis). */
export async function keepShardAdam(redis: Redis, keys: Keys, ref: Omit<ShardRef, 'expected'>, adamStep: number): Promise<boolean> {
  return (await KEEP_SHARD_ADAM(redis, [keys.result(ref.jobId, ref.epoch, ref.shard, ref.round), keys.shardAdam(ref.jobId, ref.shard)], [String(adamStep)])) === 1;
}
