/**
 * Worker liveness: each worker refreshes `prefix:worker:<id>` (JSON, with a
 * TTL) every few seconds. A worker that dies simply stops refreshing and its
 * key expires; "active workers" counts the keys that still exist.
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';
import { parseHeartbeat, type WorkerBeat } from './stored.js';

/**
 * WorkerBeat: { id, host, pid, threads, concurrency, busy (shards training now),
 * imagesPerSecond (last finished shard), shardsDone, at }; validated when read.
 */
export type { WorkerBeat };

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
  // A beat that does not parse is treated like an expired one (pruned from the index).
  vals.forEach((v, i) => {
    const b = v ? parseHeartbeat(v) : undefined;
    if (b) live.push(b);
    else dead.push(ids[i]);
  });
  if (dead.length) await redis.srem(keys.workers, ...dead);
  return live;
}
