/**
 * Worker liveness: each worker refreshes `prefix:worker:<id>` (JSON, with a
 * TTL) every few seconds. A worker that dies simply stops refreshing and its
 * key expires; "active workers" counts the keys that still exist.
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

export interface WorkerBeat {
  id: string;
  host: string;
  pid: number;
  threads: number;
  concurrency: number;
  /** Shard jobs being trained right now. */
  busy: number;
  /** Training throughput of the last finished shard. */
  imagesPerSecond: number;
  shardsDone: number;
  at: number;
}

export const HEARTBEAT_MS = 5_000;
export const HEARTBEAT_TTL_S = 15;

export async function beat(redis: Redis, keys: Keys, b: WorkerBeat): Promise<void> {
  await redis.multi().set(keys.worker(b.id), JSON.stringify(b), 'EX', HEARTBEAT_TTL_S).sadd(keys.workers, b.id).exec();
}

export async function removeBeat(redis: Redis, keys: Keys, id: string): Promise<void> {
  await redis.multi().del(keys.worker(id)).srem(keys.workers, id).exec();
}

/** Heartbeats of live workers; ids whose key expired are pruned from the index. */
export async function activeWorkers(redis: Redis, keys: Keys): Promise<WorkerBeat[]> {
  const ids = await redis.smembers(keys.workers);
  if (ids.length === 0) return [];
  const vals = await redis.mget(ids.map((id) => keys.worker(id)));
  const live: WorkerBeat[] = [];
  const dead: string[] = [];
  vals.forEach((v, i) => (v ? live.push(JSON.parse(v) as WorkerBeat) : dead.push(ids[i])));
  if (dead.length) await redis.srem(keys.workers, ...dead);
  return live;
}
