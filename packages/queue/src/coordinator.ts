/**
 * The coordinator: starts jobs, averages each epoch's shard results, and
 * finishes jobs. It keeps no state of its own: everything lives in Redis
 * (job record, weight blobs, BullMQ flows), so a restarted coordinator picks
 * up where the last one stopped.
 *
 *   train queue  : job admitted -> global weights W0 = initialWeights(seed) or the job's initFrom model, flow for round 0 of epoch 0
 *   epoch queue  : a round's parent job becomes ready when its S shard children completed ->
 *                  W̄ = sum_k n_k W_k / sum_k n_k (streamed), outer step (outer.ts) -> next round's
 *                  weights; at an epoch's last round validation metrics; next flow or finish
 *
 * An epoch has R = syncEvery rounds (rounds.ts); with R = 1 a round is an epoch.
 *
 * This file wires the queues to the steps: coordinator-schedule.ts (start a
 * job, queue a round), coordinator-round.ts (end of a round),
 * coordinator-epoch.ts (end of an epoch), coordinator-finish.ts (end of a
 * job), coordinator-recovery.ts (failures, resume after a restart).
 *
 * Every step is idempotent (deterministic BullMQ job ids, "already done"
 * checks against the record), because BullMQ may run a step twice when the
 * coordinator dies in the middle of it.
 */
import { QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EpochJobData } from '@tensorpool/core';
import { createKeys, type Keys } from './keys.js';
import { connectRedis } from './redis.js';
import { openQueues, queueOpts, type Queues } from './queues.js';
import { parseEpochJobData, parseTrainJobData } from './job-data.js';
import { modelsDir } from './out-dir.js';
import { dataRoot } from './data-ref.js';
import { leaseTimings, type LeaseTimings } from './timing.js';
import { Evaluator } from './evaluate.js';
import { silentLogger, type Logger } from './log.js';
import { openDatasetCache } from '@tensorpool/datasets';
import { recovery } from './coordinator-recovery.js';
import { schedule } from './coordinator-schedule.js';
import { roundEnd } from './coordinator-round.js';
import { finish } from './coordinator-finish.js';
import { InFlight } from './in-flight.js';
import type { Tracer } from './trace.js';

export interface CoordinatorOptions {
  redisUrl?: string;
  prefix?: string;
  /** Where final models go: <modelsDir>/<jobId>, or a job's `out` inside it (default TENSORPOOL_MODELS_DIR, else ./models). */
  modelsDir?: string;
  /** Root that `data` paths must lie in (default TENSORPOOL_DATA_ROOT). */
  dataRoot?: string;
  /** Threads for validation/test evaluation (default: available cores). */
  threads?: number;
  /** Jobs started / epochs averaged at once (default 4). */
  concurrency?: number;
  timings?: Partial<LeaseTimings>;
  log?: Logger;
  /** Write model.h5 (Keras) next to each final model.json (default DEFAULTS.saveH5). */
  h5?: boolean;
  /** Phase timings of each step (trace.ts; benchmarks), off by default. */
  trace?: Tracer;
  /**
   * Build the evaluator's trainer while an epoch's shards train, so the
   * epoch-end evaluation does not start one (default true; false only to
   * measure what it saves: bench/dist-cost.ts).
   */
  warmEvaluator?: boolean;
}

interface TrainJobData {
  jobId: string;
}

export class Coordinator {
  readonly keys: Keys;
  readonly redis: Redis;
  private readonly bullRedis: Redis;
  readonly queues: Queues;
  private readonly trainWorker: Worker<TrainJobData>;
  private readonly epochWorker: Worker<EpochJobData>;
  readonly log: Logger;
  readonly trace?: Tracer;
  readonly warmEvaluator: boolean;
  readonly evaluator: Evaluator;
  private readonly events: QueueEvents;
  private readonly eventsRedis: Redis;
  // The steps, each in the file of its job; `this` is this coordinator (coordinator-parts.ts).
  readonly onEpochFailed = recovery.onEpochFailed;
  readonly resume = recovery.resume;
  private readonly guard = recovery.guard;
  readonly fail = recovery.fail;
  readonly startJob = schedule.startJob;
  readonly queueRound = schedule.queueRound;
  private readonly finishRound = roundEnd.finishRound;
  readonly finishJob = finish.finishJob;
  /** Jobs being finished in this process (finish.finishJob runs once per job at a time). */
  readonly finishing = new Map<string, Promise<void>>();
  /** Steps in progress (round ends, job starts, resume, failures): what a bounded stop's grace waits for (bounded-stop.ts). */
  private readonly steps = new InFlight();

  constructor(opts: CoordinatorOptions = {}) {
    this.keys = createKeys(opts.prefix);
    this.log = opts.log ?? silentLogger;
    this.trace = opts.trace;
    this.warmEvaluator = opts.warmEvaluator ?? true;
    this.redis = connectRedis(opts.redisUrl, {}, this.log);
    this.bullRedis = connectRedis(opts.redisUrl);
    this.queues = openQueues(this.keys, this.redis);
    const datasets = openDatasetCache(this.redis, { prefix: this.keys.prefix });
    this.evaluator = new Evaluator({ threads: opts.threads, modelsDir: modelsDir(opts.modelsDir), dataRoot: dataRoot(opts.dataRoot), datasets, h5: opts.h5 });
    const t = leaseTimings(opts.timings);
    const wopts = {
      ...queueOpts(this.keys, this.bullRedis),
      concurrency: opts.concurrency ?? 4,
      lockDuration: t.lockDuration,
      stalledInterval: t.stalledInterval,
      maxStalledCount: t.maxStalledCount,
      autorun: false,
    };
    this.trainWorker = new Worker<TrainJobData>(this.keys.trainQueue, (job) => {
      const { jobId } = parseTrainJobData(job.data);
      return this.steps.run(() => this.guard(jobId, () => this.startJob(jobId)));
    }, wopts);
    this.epochWorker = new Worker<EpochJobData>(this.keys.epochQueue, (job) => {
      const data = parseEpochJobData(job.data);
      return this.steps.run(() => this.guard(data.jobId, () => this.finishRound(data)));
    }, wopts);
    for (const w of [this.trainWorker, this.epochWorker]) w.on('error', (e) => this.log.error(`coordinator: ${e.message}`));
    // An epoch job fails when one of its shards failed its last attempt
    // (failParentOnFailure); the training job then fails naming the shard.
    this.eventsRedis = connectRedis(opts.redisUrl);
    this.events = new QueueEvents(this.keys.epochQueue, { ...queueOpts(this.keys, this.eventsRedis), autorun: false });
    this.events.on('failed', ({ jobId }) => void this.steps.run(() => this.onEpochFailed(jobId)).catch((e) => this.log.error(`coordinator: ${(e as Error).message}`)));
    this.events.on('error', (e) => this.log.error(`coordinator events: ${e.message}`));
  }

  async start(): Promise<void> {
    void this.trainWorker.run();
    void this.epochWorker.run();
    void this.events.run();
    await Promise.all([this.trainWorker.waitUntilReady(), this.epochWorker.waitUntilReady(), this.events.waitUntilReady()]);
    await this.steps.run(() => this.resume());
    this.log.info(`coordinator ready (prefix ${this.keys.prefix})`);
  }

  /** Graceful stop: takes no new step, finishes the ones in progress, then disconnects. */
  async close(): Promise<void> {
    await Promise.all([this.trainWorker.close(), this.epochWorker.close(), this.events.close()]);
    await this.evaluator.close();
    await this.queues.close();
    await Promise.all([this.redis, this.bullRedis, this.eventsRedis].map((r) => r.quit().catch(() => undefined)));
  }

  /** Resolves when no step is in progress. */
  whenIdle(): Promise<void> {
    return this.steps.whenIdle();
  }

  /** Drops the Redis connections and evaluation threads at once (a stop past its bounds); the process exits next. */
  abandon(): void {
    for (const r of [this.redis, this.bullRedis, this.eventsRedis]) r.disconnect();
    void this.evaluator.close().catch(() => undefined);
  }
}
