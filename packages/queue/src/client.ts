/**
 * What the CLI and the HTTP API do with jobs: enqueue, status, list,
 * metrics, cancel, and the numbers behind GET /metrics.
 */
import type { Redis } from 'ioredis';
import { JobError } from '@tensorpool/core';
import { createKeys, scratchKeys, type Keys } from './keys.js';
import { connectRedis } from './redis.js';
import { openQueues, type Queues } from './queues.js';
import { parseJobPayload } from './schema.js';
import { createJobRecord, getFinalMetrics, jobStatus, listJobIds, requireJobRecord, transition, TERMINAL_STATES, type JobStatus } from './state.js';
import { activeWorkers, type WorkerBeat } from './heartbeat.js';

export interface ClientOptions {
  redisUrl?: string;
  prefix?: string;
  /** Use this connection instead of opening one (not closed by close()). */
  redis?: Redis;
}

export interface QueueStats {
  /** Shard jobs waiting or running. */
  shardsWaiting: number;
  shardsActive: number;
  /** Training jobs queued or running. */
  jobsActive: number;
  workers: WorkerBeat[];
  shardsDone: number;
  shardsRejected: number;
  /** Sum of the live workers' last throughput. */
  imagesPerSecond: number;
}

export class QueueClient {
  readonly keys: Keys;
  readonly redis: Redis;
  readonly queues: Queues;
  private readonly ownsRedis: boolean;

  constructor(opts: ClientOptions = {}) {
    this.keys = createKeys(opts.prefix);
    this.ownsRedis = !opts.redis;
    this.redis = opts.redis ?? connectRedis(opts.redisUrl);
    this.queues = openQueues(this.keys, this.redis);
  }

  /** Validates the payload (JobError naming the bad field) and queues the job. */
  async enqueue(payload: unknown): Promise<{ jobId: string }> {
    const options = parseJobPayload(payload);
    const rec = await createJobRecord(this.redis, this.keys, options);
    await this.queues.train.add('train', { jobId: rec.id }, { jobId: rec.id, attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 1000, removeOnFail: 1000 });
    return { jobId: rec.id };
  }

  status(jobId: string): Promise<JobStatus> {
    return jobStatus(this.redis, this.keys, jobId);
  }

  async list(limit = 100): Promise<JobStatus[]> {
    const ids = await listJobIds(this.redis, this.keys, limit);
    const out: JobStatus[] = [];
    for (const id of ids) {
      try {
        out.push(await this.status(id));
      } catch {
        // record expired or deleted between the two calls
      }
    }
    return out;
  }

  /** Final test metrics; JobError when the job has not completed. */
  async metrics(jobId: string): Promise<Record<string, unknown>> {
    const rec = await requireJobRecord(this.redis, this.keys, jobId);
    const m = await getFinalMetrics(this.redis, this.keys, jobId);
    if (!m) throw new JobError(`job ${jobId} is ${rec.state}${rec.state === 'running' ? ` (epoch ${rec.epoch} of ${rec.options.epochs} done)` : ''}: test metrics exist once it has completed`);
    return m;
  }

  /**
   * Cancels a queued or running job: marks it cancelled (workers training its
   * shards abort within a few seconds), removes its pending queue entries
   * and its weight blobs. Returns false when it had already finished.
   */
  async cancel(jobId: string): Promise<{ cancelled: boolean; state: string }> {
    const rec = await requireJobRecord(this.redis, this.keys, jobId);
    if (TERMINAL_STATES.includes(rec.state)) return { cancelled: false, state: rec.state };
    const ok = await transition(this.redis, this.keys, jobId, 'cancelled', { finishedAt: Date.now(), error: 'cancelled by request' });
    await cleanupJob(this.redis, this.keys, this.queues, jobId, rec.options.epochs, rec.options.shards, rec.options.syncEvery ?? 1);
    const after = await requireJobRecord(this.redis, this.keys, jobId);
    return { cancelled: ok, state: after.state };
  }

  async stats(): Promise<QueueStats> {
    const [counts, jobsActive, workers, done, rejected] = await Promise.all([
      this.queues.shards.getJobCounts('wait', 'active', 'delayed', 'prioritized'),
      this.redis.scard(this.keys.active),
      activeWorkers(this.redis, this.keys),
      this.redis.get(this.keys.shardsDone),
      this.redis.get(this.keys.shardsRejected),
    ]);
    return {
      shardsWaiting: (counts.wait ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0),
      shardsActive: counts.active ?? 0,
      jobsActive,
      workers,
      shardsDone: Number(done ?? 0),
      shardsRejected: Number(rejected ?? 0),
      imagesPerSecond: workers.reduce((a, w) => a + (w.busy > 0 ? w.imagesPerSecond : 0), 0),
    };
  }

  async close(): Promise<void> {
    await this.queues.close();
    if (this.ownsRedis) await this.redis.quit();
  }
}

/** Removes a finished job's pending BullMQ entries and every weight blob (best effort). */
export async function cleanupJob(redis: Redis, keys: Keys, queues: Queues, jobId: string, epochs: number, shards: number, rounds = 1): Promise<void> {
  const tryRemove = async (q: Queues['train'], id: string) => {
    try {
      await q.remove(id, { removeChildren: true });
    } catch {
      // locked by a worker right now: it sees the terminal state and stops.
    }
  };
  for (let e = 0; e < epochs; e++) {
    for (let r = 0; r < rounds; r++) {
      for (let s = 0; s < shards; s++) await tryRemove(queues.shards, keys.shardJobId(jobId, e, s, r));
      await tryRemove(queues.epochs, keys.epochJobId(jobId, e, r));
    }
  }
  await tryRemove(queues.train, jobId);
  await redis.del(...scratchKeys(keys, jobId, epochs, shards, rounds));
}
