/**
 * Clean-up and cancel touch only what exists: the job's scratch keys are
 * found with SCAN (`<prefix>:job:<id>:*` minus what stays after the job: the
 * record, per-epoch metrics, test metrics and workers seen), and its BullMQ
 * entries with SCAN of the queues' job keys (`<prefix>:bull:<queue>:<id>-e*`,
 * every round's ids included: `<id>-e<e>[r<r>][-s<s>]`).
 * The cost depends on what the job created (epochs actually run), never on
 * the epoch count it asked for.
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';
import type { Queues } from './queues.js';
import { assertJobId } from './stored.js';

/** Keys that outlive a job (status and metrics read them). */
function keptKeys(keys: Keys, jobId: string): Set<string> {
  return new Set([keys.job(jobId), keys.epochMetrics(jobId), keys.metrics(jobId), keys.jobWorkers(jobId)]);
}

const GLOB = /[*?[\]\\]/g;
const glob = (s: string) => s.replace(GLOB, (c) => `\\${c}`);

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    out.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return out;
}

/** The job's scratch keys that exist now (weights, Adam state, results, progress). */
export async function scratchKeysOf(redis: Redis, keys: Keys, jobId: string): Promise<string[]> {
  assertJobId(jobId);
  const keep = keptKeys(keys, jobId);
  return [...new Set(await scanKeys(redis, `${glob(keys.job(jobId))}:*`))].filter((k) => !keep.has(k));
}

/** Deletes the job's scratch keys that exist. */
export async function deleteScratchKeys(redis: Redis, keys: Keys, jobId: string): Promise<number> {
  const ks = await scratchKeysOf(redis, keys, jobId);
  let n = 0;
  for (let i = 0; i < ks.length; i += 500) n += await redis.del(...ks.slice(i, i + 500));
  return n;
}

/** BullMQ ids of the job's epoch / shard jobs that exist in `queue`. */
async function bullJobIds(redis: Redis, keys: Keys, queue: string, jobId: string): Promise<string[]> {
  const base = `${keys.bullPrefix}:${queue}:`;
  const ids = new Set<string>();
  // keys.ts: `<id>-e<e>` (round 0) or `<id>-e<e>r<r>`, then `-s<shard>` for a shard.
  const re = new RegExp(`^${jobId}-e\\d+(r\\d+)?(-s\\d+)?$`);
  for (const k of await scanKeys(redis, `${glob(base)}${jobId}-e*`)) {
    const id = k.slice(base.length).split(':')[0];
    if (re.test(id)) ids.add(id);
  }
  return [...ids];
}

/** Removes a finished job's pending BullMQ entries and every scratch key (best effort). */
export async function cleanupJob(redis: Redis, keys: Keys, queues: Queues, jobId: string): Promise<void> {
  assertJobId(jobId);
  const tryRemove = async (q: Queues['train'], id: string) => {
    try {
      await q.remove(id, { removeChildren: true });
    } catch {
      // locked by a worker right now: it sees the terminal state and stops.
    }
  };
  for (const id of await bullJobIds(redis, keys, keys.shardQueue, jobId)) await tryRemove(queues.shards, id);
  for (const id of await bullJobIds(redis, keys, keys.epochQueue, jobId)) await tryRemove(queues.epochs, id);
  await tryRemove(queues.train, jobId);
  await deleteScratchKeys(redis, keys, jobId);
}
