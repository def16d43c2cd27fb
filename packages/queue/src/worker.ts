/**
 * A distributed training worker: takes shard jobs, trains one local epoch
 * over its shard with the data-parallel trainer (Piscina threads) starting
 * from the epoch's global weights, and stores the result once.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ShardJobData } from '@tensorpool/core';
import { shardIndices } from '@tensorpool/data';
import { weightManifest } from '@tensorpool/engine';
import { createKeys, scratchKeys, type Keys } from './keys.js';
import { connectRedis } from './redis.js';
import { queueOpts } from './queues.js';
import { getAdam, getGlobalWeights, type AdamState } from './blobs.js';
import { describeShard, hasShardResult, storeShardResult } from './results.js';
import { getJobRecord, setShardProgress, transition, TERMINAL_STATES } from './state.js';
import { datasetFor } from './datasets.js';
import { chunkSteps, roundsOf } from './rounds.js';
import { TrainerCache } from './trainers.js';
import { beat, HEARTBEAT_MS, removeBeat } from './heartbeat.js';
import { leaseTimings, type LeaseTimings } from './timing.js';
import type { Logger } from './log.js';
import { silentLogger } from './log.js';

export interface ShardWorkerOptions {
  redisUrl?: string;
  prefix?: string;
  /** Trainer threads per shard (default: available cores). */
  threads?: number;
  /** Shards trained at once by this process (default 1). */
  concurrency?: number;
  id?: string;
  timings?: Partial<LeaseTimings>;
  log?: Logger;
}

export interface ShardOutcome {
  stored: boolean;
  skipped?: string;
  samples?: number;
}

const CANCEL_POLL_MS = 2_000;

export class ShardWorker {
  readonly id: string;
  readonly keys: Keys;
  private readonly redis: Redis;
  private readonly bullRedis: Redis;
  private readonly worker: Worker<ShardJobData, ShardOutcome>;
  private readonly log: Logger;
  private readonly threads?: number;
  private readonly concurrency: number;
  private timer?: NodeJS.Timeout;
  private busy = 0;
  private shardsDone = 0;
  private imagesPerSecond = 0;
  private readonly trainers = new TrainerCache();

  constructor(opts: ShardWorkerOptions = {}) {
    this.id = opts.id ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
    this.keys = createKeys(opts.prefix);
    this.log = opts.log ?? silentLogger;
    this.threads = opts.threads;
    this.concurrency = opts.concurrency ?? 1;
    this.redis = connectRedis(opts.redisUrl);
    this.bullRedis = connectRedis(opts.redisUrl);
    const t = leaseTimings(opts.timings);
    this.worker = new Worker<ShardJobData, ShardOutcome>(this.keys.shardQueue, (job) => this.process(job), {
      ...queueOpts(this.keys, this.bullRedis),
      concurrency: this.concurrency,
      // Recorded on active jobs as processedBy: operators (and tests) see who runs which shard.
      name: this.id,
      lockDuration: t.lockDuration,
      stalledInterval: t.stalledInterval,
      maxStalledCount: t.maxStalledCount,
      autorun: false,
    });
    this.worker.on('failed', (job, err) => {
      if (job) this.onFailed(job, err).catch((e) => this.log.error(`worker: ${(e as Error).message}`));
    });
    this.worker.on('error', (err) => this.log.error(`worker: ${err.message}`));
  }

  /** Starts taking shard jobs; resolves once the worker is connected. */
  async start(): Promise<void> {
    await this.heartbeat();
    this.timer = setInterval(() => void this.heartbeat().catch(() => undefined), HEARTBEAT_MS);
    void this.worker.run();
    await this.worker.waitUntilReady();
    this.log.info(`worker ${this.id} ready (threads ${this.threads ?? 'all cores'}, concurrency ${this.concurrency})`);
  }

  /** Graceful stop: finishes the shards in progress (their lock is kept), then disconnects. */
  async close(force = false): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.worker.close(force);
    await this.trainers.close();
    await removeBeat(this.redis, this.keys, this.id).catch(() => undefined);
    await Promise.all([this.redis.quit().catch(() => undefined), this.bullRedis.quit().catch(() => undefined)]);
  }

  private heartbeat(): Promise<void> {
    return beat(this.redis, this.keys, {
      id: this.id, host: hostname(), pid: process.pid, threads: this.threads ?? 0, concurrency: this.concurrency,
      busy: this.busy, imagesPerSecond: this.imagesPerSecond, shardsDone: this.shardsDone, at: Date.now(),
    });
  }

  private async process(job: Job<ShardJobData, ShardOutcome>): Promise<ShardOutcome> {
    const { jobId, epoch, shard, shards } = job.data;
    const round = job.data.round ?? 0;
    const rec = await getJobRecord(this.redis, this.keys, jobId);
    if (!rec) return { stored: false, skipped: 'unknown job' };
    if (TERMINAL_STATES.includes(rec.state)) return { stored: false, skipped: rec.state };
    if (await hasShardResult(this.redis, this.keys, { jobId, epoch, shard, round })) return { stored: false, skipped: 'duplicate' };
    const o = rec.options;
    const expected = weightManifest(o.spec).total;
    const what = `job ${jobId} ${describeShard({ epoch, shard, round })}`;
    this.busy++;
    const abort = new AbortController();
    const poll = setInterval(() => {
      void getJobRecord(this.redis, this.keys, jobId).then((r) => {
        if (!r || TERMINAL_STATES.includes(r.state)) abort.abort();
      }).catch(() => undefined);
    }, CANCEL_POLL_MS);
    try {
      const data = await datasetFor(o);
      const indices = shardIndices(data.train.n, shards, o.seed, epoch)[shard];
      // Round r trains chunk r of this shard's epoch (rounds.ts): same batches, shuffle and dropout as one whole epoch.
      const steps = Math.ceil(indices.length / o.batchSize);
      const chunk = chunkSteps(steps, round, roundsOf(o));
      const weights = await getGlobalWeights(this.redis, this.keys, jobId, epoch, expected, round);
      let adam: AdamState | undefined;
      if (o.optimizer === 'average') adam = await getAdam(this.redis, this.keys.adam(jobId, epoch, round), expected);
      else if (o.optimizer === 'per-shard') adam = await getAdam(this.redis, this.keys.shardAdam(jobId, shard), expected);
      this.log.info(`${what}: training steps ${chunk.startStep}..${chunk.endStep} of ${indices.length} samples`);
      let lastWrite = 0;
      const { trainer, release } = await this.trainers.acquire({ spec: o.spec, batchSize: o.batchSize, learningRate: o.learningRate, threads: this.threads });
      const r = await trainer.trainEpoch({
        train: data.train, indices, weights, ...(adam ? { adam } : {}), epoch, seed: o.seed, ...chunk,
        batchSize: o.batchSize, augment: o.augment, normalization: o.normalization, signal: abort.signal,
        onProgress: (p) => {
          const now = Date.now();
          if (now - lastWrite < 1000 && p.step < p.steps) return;
          lastWrite = now;
          void setShardProgress(this.redis, this.keys, jobId, shard, p.step / p.steps).catch(() => undefined);
          void job.updateProgress(Math.round((100 * p.step) / p.steps)).catch(() => undefined);
        },
      }).catch((e: unknown) => {
        // The trainer rejects (it never returns partial weights) when its signal
        // fires; a cancelled job's shard is skipped, not failed and retried.
        if (abort.signal.aborted) return undefined;
        throw e;
      }).finally(release);
      if (!r || abort.signal.aborted) return { stored: false, skipped: 'cancelled' };
      const keepMoments = o.optimizer !== 'reset';
      const stored = await storeShardResult(this.redis, this.keys, { jobId, epoch, shard, round, expected }, {
        weights: r.weights,
        ...(keepMoments ? { m: r.adam.m, v: r.adam.v } : {}),
        meta: { samples: r.samples, loss: r.loss, accuracy: r.accuracy, seconds: r.seconds, adamStep: r.adam.step, worker: this.id },
      });
      this.shardsDone++;
      this.imagesPerSecond = r.seconds > 0 ? r.samples / r.seconds : 0;
      await setShardProgress(this.redis, this.keys, jobId, shard, steps ? chunk.endStep / steps : 1);
      this.log.info(`${what}: ${stored ? 'stored' : 'already stored (duplicate)'}, loss ${r.loss.toFixed(4)}, ${r.seconds.toFixed(1)} s`);
      return { stored, samples: r.samples };
    } finally {
      clearInterval(poll);
      this.busy--;
    }
  }

  /** After the last attempt of a shard fails (e.g. its result was rejected), the whole job fails naming the shard. */
  private async onFailed(job: Job<ShardJobData, ShardOutcome>, err: Error): Promise<void> {
    const { jobId, epoch, shard } = job.data;
    const round = job.data.round ?? 0;
    const attempts = job.opts.attempts ?? 1;
    this.log.error(`job ${jobId} ${describeShard({ epoch, shard, round })}: attempt ${job.attemptsMade} of ${attempts} failed: ${err.message}`);
    if (job.attemptsMade >= attempts) {
      const failed = await transition(this.redis, this.keys, jobId, 'failed', {
        finishedAt: Date.now(),
        error: `${describeShard({ epoch, shard, round })} failed after ${attempts} attempts: ${err.message}`,
      });
      const rec = failed ? await getJobRecord(this.redis, this.keys, jobId) : undefined;
      if (rec) await this.redis.del(...scratchKeys(this.keys, jobId, rec.options.epochs, rec.options.shards, roundsOf(rec.options)));
    }
  }
}
