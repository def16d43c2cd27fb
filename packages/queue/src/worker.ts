/**
 * A distributed training worker: takes shard jobs, trains one local epoch
 * over its shard with the data-parallel trainer (Piscina threads) starting
 * from the epoch's global weights, and stores the result once.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULTS, JobError, limits, type ShardJobData } from '@tensorpool/core';
import { shardIndices } from '@tensorpool/data';
import { weightManifest } from '@tensorpool/engine';
import { createKeys, type Keys } from './keys.js';
import { deleteScratchKeys } from './cleanup.js';
import { parseShardJobData } from './job-data.js';
import { dataRoot } from './data-ref.js';
import { connectRedis } from './redis.js';
import { emitRunEvent } from './run-events.js';
import { queueOpts } from './queues.js';
import { getGlobalWeights } from './blobs.js';
import { optimizerStatePolicy } from './optimizer-policy.js';
import { describeShard, hasShardResult, storeShardResult } from './results.js';
import { getJobRecord, setShardProgress, transition, TERMINAL_STATES } from './state.js';
import type { ShardProgress } from './shard-progress.js';
import { openDatasetCache, type DatasetCache as DiskCache } from '@tensorpool/datasets';
import { datasetFor } from './datasets.js';
import { jobSplits, resolvedNormalization, shardTrainingSet } from './job-splits.js';
import { chunkSteps, roundsOf } from './rounds.js';
import { TrainerCache } from './trainers.js';
import { OfflineExpansions } from './offline-expansion.js';
import { beat, HEARTBEAT_MS, removeBeat } from './heartbeat.js';
import { leaseTimings, type LeaseTimings } from './timing.js';
import type { Logger } from './log.js';
import { silentLogger } from './log.js';
import { hook, threadFault } from './test-hooks.js';
import { InFlight } from './in-flight.js';
import { timed, type Tracer } from './trace.js';

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
  /** Root that `data` paths must lie in (default TENSORPOOL_DATA_ROOT). */
  dataRoot?: string;
  /** Phase timings of each shard (trace.ts; benchmarks), off by default. */
  trace?: Tracer;
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
  /** Shards in progress: what a bounded stop's grace waits for (bounded-stop.ts). */
  private readonly busy = new InFlight();
  private shardsDone = 0;
  private imagesPerSecond = 0;
  private readonly trainers: TrainerCache;
  /** `augment: 'offline'` jobs' expansions, each sample expanded once per job here. */
  private readonly expansions = new OfflineExpansions(limits().datasetCacheBytes);
  private readonly dataRoot?: string;
  /** This machine's verified dataset cache in front of the store (TENSORPOOL_CACHE_DIR). */
  private readonly datasets: DiskCache;
  private readonly trace?: Tracer;

  constructor(opts: ShardWorkerOptions = {}) {
    this.id = opts.id ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
    this.keys = createKeys(opts.prefix);
    this.log = opts.log ?? silentLogger;
    this.threads = opts.threads;
    this.concurrency = opts.concurrency ?? 1;
    this.dataRoot = dataRoot(opts.dataRoot);
    this.trace = opts.trace;
    // One warm trainer per concurrent shard stays idle between shards, within the limit otherwise.
    this.trainers = new TrainerCache({ maxIdle: Math.max(limits().trainers, this.concurrency), log: this.log });
    this.redis = connectRedis(opts.redisUrl, {}, this.log);
    this.bullRedis = connectRedis(opts.redisUrl);
    this.datasets = openDatasetCache(this.redis, {
      prefix: this.keys.prefix,
      onRefetch: (r) => this.log.error(`dataset ${r.dataset} chunk ${r.chunk} of ${r.chunks} failed its hash check; fetching it again`),
    });
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
    // BullMQ reports every failed reconnect; one line per distinct error is enough (redis.ts logs the outage).
    let lastError = '';
    this.worker.on('error', (err) => {
      if (err.message !== lastError) this.log.error(`worker: ${err.message}`);
      lastError = err.message;
    });
    this.bullRedis.on('ready', () => void (lastError = ''));
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

  /** Resolves when no shard is in progress. */
  whenIdle(): Promise<void> {
    return this.busy.whenIdle();
  }

  /** Drops the Redis connections and trainer threads at once (a stop past its bounds); the process exits next. */
  abandon(): void {
    if (this.timer) clearInterval(this.timer);
    this.redis.disconnect();
    this.bullRedis.disconnect();
    void this.trainers.close().catch(() => undefined);
  }

  private heartbeat(): Promise<void> {
    return beat(this.redis, this.keys, {
      id: this.id, host: hostname(), pid: process.pid, threads: this.threads ?? 0, concurrency: this.concurrency,
      busy: this.busy.count, imagesPerSecond: this.imagesPerSecond, shardsDone: this.shardsDone, at: Date.now(),
    });
  }

  private async process(job: Job<ShardJobData, ShardOutcome>): Promise<ShardOutcome> {
    const data0 = parseShardJobData(job.data);
    const { jobId, epoch, shard, shards } = data0;
    const round = data0.round ?? 0;
    const span = { jobId, epoch, round, shard };
    this.trace?.({ ...span, phase: 'queued', start: job.timestamp, end: Date.now() });
    const rec = await getJobRecord(this.redis, this.keys, jobId);
    if (!rec) return { stored: false, skipped: 'unknown job' };
    if (TERMINAL_STATES.includes(rec.state)) return { stored: false, skipped: rec.state };
    if (await hasShardResult(this.redis, this.keys, { jobId, epoch, shard, round })) return { stored: false, skipped: 'duplicate' };
    const o = rec.options;
    if (shards !== o.shards || epoch >= o.epochs || round >= roundsOf(o)) throw new JobError(`job ${jobId}: shard job data (epoch ${epoch + 1} round ${round + 1}, ${shards} shards) does not match the job (${o.epochs} epochs of ${roundsOf(o)} rounds, ${o.shards} shards)`);
    const expected = weightManifest(o.spec).total;
    const what = `job ${jobId} ${describeShard({ epoch, shard, round })}`;
    this.busy.enter();
    const abort = new AbortController();
    const poll = setInterval(() => {
      void getJobRecord(this.redis, this.keys, jobId).then((r) => {
        if (!r || TERMINAL_STATES.includes(r.state)) abort.abort();
      }).catch(() => undefined);
    }, CANCEL_POLL_MS);
    try {
      const shardSet = await timed(this.trace, span, 'dataset', async () => {
        const data = await datasetFor(o, this.dataRoot, this.datasets);
        // The shard of the samples trained on (the validation hold-out excluded), as indices into data.train.
        const { trainIndices } = jobSplits(data, o);
        const local = shardIndices(trainIndices.length, shards, o.seed, epoch)[shard];
        return o.augment === 'offline'
          ? this.expansions.shardSet(jobId, data, trainIndices, local)
          : shardTrainingSet(data, trainIndices.length === data.train.n ? local : local.map((i) => trainIndices[i]));
      });
      const normalization = resolvedNormalization(o);
      const samples = shardSet.indices?.length ?? shardSet.train.n;
      // Round r trains chunk r of this shard's epoch (rounds.ts): same batches, shuffle and dropout as one whole epoch.
      // A shard steps on shardBatchSize samples (the job's global batch split over the shards, schema.ts).
      const B = o.shardBatchSize;
      const steps = Math.ceil(samples / B);
      const chunk = chunkSteps(steps, round, roundsOf(o));
      const policy = optimizerStatePolicy(o.optimizer);
      const [weights, adam] = await timed(this.trace, span, 'download', () => Promise.all([
        getGlobalWeights(this.redis, this.keys, jobId, epoch, expected, round),
        policy.load(this.redis, this.keys, { jobId, epoch, round, shard }, expected),
      ]));
      this.log.info(`${what}: training steps ${chunk.startStep}..${chunk.endStep} of ${steps} (batch ${B}) of ${samples} samples`);
      const ev = { epoch: epoch + 1, shard, worker: this.id, round: round + 1 };
      if (job.attemptsMade > 0) await emitRunEvent(this.redis, this.keys, jobId, { type: 'shard-retried', ...ev, attempt: job.attemptsMade, reason: String(job.failedReason ?? 'stalled or failed').slice(0, 1000) });
      await emitRunEvent(this.redis, this.keys, jobId, { type: 'shard-started', ...ev });
      let lastWrite = 0;
      const stepEvery = DEFAULTS.events.stepEvery;
      const { trainer, release } = await timed(this.trace, span, 'trainer', () => this.trainers.acquire({ spec: o.spec, batchSize: B, learningRate: o.learningRate, threads: this.threads }));
      const r = await timed(this.trace, span, 'train', () => trainer.trainEpoch({
        train: shardSet.train, ...(shardSet.indices ? { indices: shardSet.indices } : {}), weights, ...(adam ? { adam } : {}), epoch, seed: o.seed, ...chunk,
        batchSize: B, augment: o.augment === 'online' ? 'online' : 'none', normalization, signal: abort.signal,
        onProgress: (p) => {
          // A `step` event every stepEvery steps of the shard's epoch (and at its end), fire and forget: emitRunEvent logs and drops errors.
          if (p.step % stepEvery === 0 || p.step === p.steps) {
            void emitRunEvent(this.redis, this.keys, jobId, { type: 'step', epoch: epoch + 1, step: p.step, steps: p.steps, imagesPerSecond: p.imagesPerSecond, loss: p.loss, accuracy: p.accuracy, shard, round: round + 1 });
          }
          const now = Date.now();
          if (now - lastWrite >= 1000 || p.step >= p.steps) {
            lastWrite = now;
            // Whole steps, not a rounded percent: step 1 of a 500-step shard shows (shard-progress.ts).
            const progress: ShardProgress = { step: p.step, steps: p.steps };
            void setShardProgress(this.redis, this.keys, jobId, shard, progress).catch(() => undefined);
            void job.updateProgress({ ...progress }).catch(() => undefined);
          }
          return hook('shard-step', { epoch, shard, step: p.step });
        },
        testFault: threadFault({ epoch, shard }),
      }).catch((e: unknown) => {
        // The trainer rejects (it never returns partial weights) when its signal
        // fires; a cancelled job's shard is skipped, not failed and retried.
        if (abort.signal.aborted) return undefined;
        throw e;
      }).finally(release));
      if (!r || abort.signal.aborted) return { stored: false, skipped: 'cancelled' };
      const keepMoments = policy.resultKeepsMoments;
      const stored = await timed(this.trace, span, 'upload', () => storeShardResult(this.redis, this.keys, { jobId, epoch, shard, round, expected }, {
        weights: r.weights,
        ...(keepMoments ? { m: r.adam.m, v: r.adam.v } : {}),
        meta: { samples: r.samples, loss: r.loss, accuracy: r.accuracy, seconds: r.seconds, adamStep: r.adam.step, worker: this.id },
      }));
      await hook('shard-stored', { epoch, shard });
      this.shardsDone++;
      this.imagesPerSecond = r.seconds > 0 ? r.samples / r.seconds : 0;
      await setShardProgress(this.redis, this.keys, jobId, shard, steps ? { step: chunk.endStep, steps } : { step: 1, steps: 1 });
      await emitRunEvent(this.redis, this.keys, jobId, { type: 'shard-finished', ...ev, samples: r.samples, seconds: r.seconds });
      this.log.info(`${what}: ${stored ? 'stored' : 'already stored (duplicate)'}, loss ${r.loss.toFixed(4)}, ${r.seconds.toFixed(1)} s`);
      return { stored, samples: r.samples };
    } finally {
      clearInterval(poll);
      this.busy.leave();
    }
  }

  /** After the last attempt of a shard fails (e.g. its result was rejected), the whole job fails naming the shard. */
  private async onFailed(job: Job<ShardJobData, ShardOutcome>, err: Error): Promise<void> {
    let data: ShardJobData;
    try {
      data = parseShardJobData(job.data);
    } catch {
      this.log.error(`worker: shard job ${job.id} failed and its data is invalid: ${err.message}`);
      return;
    }
    const { jobId, epoch, shard } = data;
    const round = data.round ?? 0;
    const attempts = job.opts.attempts ?? 1;
    this.log.error(`job ${jobId} ${describeShard({ epoch, shard, round })}: attempt ${job.attemptsMade} of ${attempts} failed: ${err.message}`);
    if (job.attemptsMade >= attempts) {
      const failed = await transition(this.redis, this.keys, jobId, 'failed', {
        finishedAt: Date.now(),
        error: `${describeShard({ epoch, shard, round })} failed after ${attempts} attempts: ${err.message}`,
      });
      if (failed) await deleteScratchKeys(this.redis, this.keys, jobId);
    }
  }
}
