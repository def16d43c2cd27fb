/**
 * The coordinator: starts jobs, averages each epoch's shard results, and
 * finishes jobs. It keeps no state of its own: everything lives in Redis
 * (job record, weight blobs, BullMQ flows), so a restarted coordinator picks
 * up where the last one stopped.
 *
 *   train queue  : job admitted -> global weights W0 = initialWeights(seed), flow for epoch 0
 *   epoch queue  : parent job becomes ready when its S shard children completed ->
 *                  W_{e+1} = sum_k n_k W_k / sum_k n_k, validation metrics, next flow or finish
 *
 * Every step is idempotent (deterministic BullMQ job ids, "already done"
 * checks against the record), because BullMQ may run a step twice when the
 * coordinator dies in the middle of it.
 */
import { QueueEvents, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { JobError, type EpochJobData } from '@tensorpool/core';
import { initialWeights, weightManifest } from '@tensorpool/engine';
import { createKeys, type Keys } from './keys.js';
import { connectRedis } from './redis.js';
import { openQueues, queueOpts, type Queues } from './queues.js';
import { getGlobalWeights, hasGlobalWeights, putAdam, putGlobalWeights } from './blobs.js';
import { describeShard, loadShardResult, type ShardResult } from './results.js';
import { weightedAverage } from './average.js';
import { isJobId } from './stored.js';
import { getJobRecord, recordEpochMetrics, setCompletedEpochs, transition, TERMINAL_STATES, type EpochMetrics, type JobRecord } from './state.js';
import { cleanupJob } from './cleanup.js';
import { emitRunEvent, jobEpochEvent, jobFinishedEvent, jobStartedEvent, saveRunEventsFile } from './run-events.js';
import { parseEpochJobData, parseTrainJobData } from './job-data.js';
import { modelsDir } from './out-dir.js';
import { dataRoot } from './data-ref.js';
import { leaseTimings, shardAttempts, type LeaseTimings } from './timing.js';
import { Evaluator } from './evaluate.js';
import { silentLogger, type Logger } from './log.js';
import { hook } from './test-hooks.js';
import { openDatasetCache } from '@tensorpool/datasets';
import { measureNormalization } from './measure-normalization.js';

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
}

interface TrainJobData {
  jobId: string;
}

export class Coordinator {
  readonly keys: Keys;
  private readonly redis: Redis;
  private readonly bullRedis: Redis;
  private readonly queues: Queues;
  private readonly trainWorker: Worker<TrainJobData>;
  private readonly epochWorker: Worker<EpochJobData>;
  private readonly log: Logger;
  private readonly evaluator: Evaluator;
  private readonly events: QueueEvents;
  private readonly eventsRedis: Redis;

  constructor(opts: CoordinatorOptions = {}) {
    this.keys = createKeys(opts.prefix);
    this.log = opts.log ?? silentLogger;
    this.redis = connectRedis(opts.redisUrl, {}, this.log);
    this.bullRedis = connectRedis(opts.redisUrl);
    this.queues = openQueues(this.keys, this.redis);
    const datasets = openDatasetCache(this.redis, { prefix: this.keys.prefix });
    this.evaluator = new Evaluator({ threads: opts.threads, modelsDir: modelsDir(opts.modelsDir), dataRoot: dataRoot(opts.dataRoot), datasets });
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
      return this.guard(jobId, () => this.startJob(jobId));
    }, wopts);
    this.epochWorker = new Worker<EpochJobData>(this.keys.epochQueue, (job) => {
      const { jobId } = parseEpochJobData(job.data);
      return this.guard(jobId, () => this.finishEpoch(job));
    }, wopts);
    for (const w of [this.trainWorker, this.epochWorker]) w.on('error', (e) => this.log.error(`coordinator: ${e.message}`));
    // An epoch job fails when one of its shards failed its last attempt
    // (failParentOnFailure); the training job then fails naming the shard.
    this.eventsRedis = connectRedis(opts.redisUrl);
    this.events = new QueueEvents(this.keys.epochQueue, { ...queueOpts(this.keys, this.eventsRedis), autorun: false });
    this.events.on('failed', ({ jobId }) => void this.onEpochFailed(jobId).catch((e) => this.log.error(`coordinator: ${(e as Error).message}`)));
    this.events.on('error', (e) => this.log.error(`coordinator events: ${e.message}`));
  }

  async start(): Promise<void> {
    void this.trainWorker.run();
    void this.epochWorker.run();
    void this.events.run();
    await Promise.all([this.trainWorker.waitUntilReady(), this.epochWorker.waitUntilReady(), this.events.waitUntilReady()]);
    await this.resume();
    this.log.info(`coordinator ready (prefix ${this.keys.prefix})`);
  }

  /** Graceful stop: finishes the step in progress, then disconnects. */
  async close(): Promise<void> {
    await Promise.all([this.trainWorker.close(), this.epochWorker.close(), this.events.close()]);
    await this.evaluator.close();
    await this.queues.close();
    await Promise.all([this.redis, this.bullRedis, this.eventsRedis].map((r) => r.quit().catch(() => undefined)));
  }

  /** Fails the training job of a failed epoch job, with the failing shard's reason. */
  private async onEpochFailed(epochJobId: string): Promise<void> {
    const job = await this.queues.epochs.getJob(epochJobId);
    if (!job) return;
    const { jobId, epoch } = parseEpochJobData(job.data);
    const rec = await getJobRecord(this.redis, this.keys, jobId);
    if (!rec || TERMINAL_STATES.includes(rec.state)) return;
    let reason = job.failedReason || 'a shard failed';
    for (let shard = 0; shard < rec.options.shards; shard++) {
      const child = await this.queues.shards.getJob(this.keys.shardJobId(jobId, epoch, shard));
      if (child && (await child.getState()) === 'failed') {
        reason = `${describeShard({ epoch, shard })} failed after ${child.attemptsMade} attempts: ${child.failedReason}`;
        break;
      }
    }
    await this.fail(jobId, new JobError(reason));
  }

  /**
   * Makes sure every running job has its current epoch's flow queued (a
   * coordinator that died between averaging and queueing the next flow left
   * none). Flows use deterministic ids, so an existing one is never doubled.
   */
  async resume(): Promise<void> {
    for (const id of await this.redis.smembers(this.keys.active)) {
      if (!isJobId(id)) {
        // A foreign member: nothing to resume; drop it so it does not count against the active-job limit.
        await this.redis.srem(this.keys.active, id);
        continue;
      }
      try {
        // A corrupt record fails its job (below) instead of stopping the coordinator.
        const rec = await getJobRecord(this.redis, this.keys, id);
        if (!rec || rec.state !== 'running') continue;
        if (rec.epoch >= rec.options.epochs) await this.finishJob(rec);
        else {
          const epochJob = await this.queues.epochs.getJob(this.keys.epochJobId(id, rec.epoch));
          if (!epochJob) await this.queueEpoch(rec, rec.epoch);
          else if ((await epochJob.getState()) === 'failed') await this.onEpochFailed(epochJob.id!);
        }
        this.log.info(`job ${id}: resumed at epoch ${rec.epoch + 1} of ${rec.options.epochs}`);
      } catch (e) {
        await this.fail(id, e as Error);
      }
    }
  }

  /** Runs a step; a JobError (bad data, rejected result) fails the job instead of retrying forever. */
  private async guard(jobId: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('E_') && (e as { code?: string }).code !== 'E_INTERNAL') {
        await this.fail(jobId, e as Error);
        return;
      }
      throw e;
    }
  }

  private async fail(jobId: string, e: Error): Promise<void> {
    this.log.error(`job ${jobId} failed: ${e.message}`);
    await transition(this.redis, this.keys, jobId, 'failed', { finishedAt: Date.now(), error: e.message });
    await emitRunEvent(this.redis, this.keys, jobId, { type: 'run-failed', message: e.message.slice(0, 2000) });
    // Also when the record's own id field is what is corrupt (the transition script removes by that field).
    await this.redis.srem(this.keys.active, jobId);
    this.evaluator.forget(jobId);
    await cleanupJob(this.redis, this.keys, this.queues, jobId);
  }

  private async startJob(jobId: string): Promise<void> {
    const rec = await getJobRecord(this.redis, this.keys, jobId);
    if (!rec || TERMINAL_STATES.includes(rec.state)) return;
    if (rec.state === 'queued') {
      // 'mean-std' is measured once, before any shard runs; a lost race re-reads the record.
      if (!(await measureNormalization(this.redis, this.keys, rec, () => this.evaluator.dataset(rec)))) return this.startJob(jobId);
      if (!(await hasGlobalWeights(this.redis, this.keys, jobId, 0))) {
        await putGlobalWeights(this.redis, this.keys, jobId, 0, initialWeights(rec.options.spec, rec.options.seed));
      }
      if (!(await transition(this.redis, this.keys, jobId, 'running', { startedAt: Date.now() }))) return;
      await emitRunEvent(this.redis, this.keys, jobId, jobStartedEvent(rec));
      this.log.info(`job ${jobId}: started, ${rec.options.epochs} epochs x ${rec.options.shards} shards`);
    }
    const now = await getJobRecord(this.redis, this.keys, jobId);
    if (now && now.state === 'running' && now.epoch < now.options.epochs) await this.queueEpoch(now, now.epoch);
  }

  private async queueEpoch(rec: JobRecord, epoch: number): Promise<void> {
    const { id } = rec;
    const { shards } = rec.options;
    await this.redis.del(this.keys.progress(id));
    await this.redis.hset(this.keys.job(id), `epochStartedAt:${epoch}`, String(Date.now()));
    await this.queues.flow.add({
      name: 'epoch',
      queueName: this.keys.epochQueue,
      data: { jobId: id, epoch } satisfies EpochJobData,
      opts: { jobId: this.keys.epochJobId(id, epoch), removeOnComplete: true, removeOnFail: 100 },
      children: Array.from({ length: shards }, (_, shard) => ({
        name: 'shard',
        queueName: this.keys.shardQueue,
        data: { jobId: id, epoch, shard, shards },
        opts: {
          jobId: this.keys.shardJobId(id, epoch, shard),
          attempts: shardAttempts(),
          backoff: { type: 'fixed' as const, delay: 500 },
          failParentOnFailure: true,
          removeOnComplete: true,
          removeOnFail: 100,
        },
      })),
    });
    await hook('epoch-queued', { epoch });
  }

  private async finishEpoch(job: Job<EpochJobData>): Promise<void> {
    const { jobId, epoch } = job.data;
    const rec = await getJobRecord(this.redis, this.keys, jobId);
    if (!rec || TERMINAL_STATES.includes(rec.state)) return;
    if (rec.epoch > epoch) {
      // Averaged already (this step ran before and died after the record moved on).
      if (rec.epoch < rec.options.epochs) await this.queueEpoch(rec, rec.epoch);
      else await this.finishJob(rec);
      return;
    }
    const o = rec.options;
    const expected = weightManifest(o.spec).total;
    const results: ShardResult[] = [];
    for (let shard = 0; shard < o.shards; shard++) {
      results.push(await loadShardResult(this.redis, this.keys, { jobId, epoch, shard, expected }));
    }
    const samples = results.map((r) => r.meta.samples);
    const next = weightedAverage(results.map((r) => r.weights), samples);
    await putGlobalWeights(this.redis, this.keys, jobId, epoch + 1, next);
    await this.nextAdam(rec, epoch, results, samples);

    const total = samples.reduce((a, b) => a + b, 0);
    const startedAt = Number(await this.redis.hget(this.keys.job(jobId), `epochStartedAt:${epoch}`)) || Date.now();
    // The last epoch's validation is the final test evaluation (reused by finishJob, not run twice).
    const val = await this.evaluator.validate(rec, next);
    const m: EpochMetrics = {
      epoch: epoch + 1,
      loss: results.reduce((a, r) => a + r.meta.loss * r.meta.samples, 0) / total,
      accuracy: results.reduce((a, r) => a + r.meta.accuracy * r.meta.samples, 0) / total,
      ...(val.validation ? { valLoss: val.validation.loss, valAccuracy: val.validation.accuracy } : {}),
      testLoss: val.test.loss,
      testAccuracy: val.test.accuracy,
      samples: total,
      seconds: (Date.now() - startedAt) / 1000,
      shards: results.map((r, shard) => ({ shard, samples: r.meta.samples, seconds: r.meta.seconds, worker: r.meta.worker })),
    };
    await recordEpochMetrics(this.redis, this.keys, jobId, m);
    await setCompletedEpochs(this.redis, this.keys, jobId, epoch + 1);
    await emitRunEvent(this.redis, this.keys, jobId, jobEpochEvent(m, o.epochs));
    // The epoch is averaged: its inputs are no longer needed.
    const old = [this.keys.weights(jobId, epoch), this.keys.adam(jobId, epoch)];
    for (let s = 0; s < o.shards; s++) old.push(this.keys.result(jobId, epoch, s));
    await this.redis.del(...old);
    this.log.info(`job ${jobId}: epoch ${epoch + 1}/${o.epochs} averaged, loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(4)}${val.validation ? ` val_acc ${val.validation.accuracy.toFixed(4)}` : ''} test_acc ${val.test.accuracy.toFixed(4)}`);
    await hook('epoch-averaged', { epoch });

    const after = await getJobRecord(this.redis, this.keys, jobId);
    if (!after) return;
    if (after.state !== 'running') {
      // Cancelled or failed while this epoch was being averaged: drop what it just wrote.
      this.evaluator.forget(jobId);
      await cleanupJob(this.redis, this.keys, this.queues, jobId);
      return;
    }
    if (epoch + 1 < o.epochs) await this.queueEpoch(after, epoch + 1);
    else await this.finishJob(after);
  }

  /** Optimizer state for the next epoch, by the job's policy (see OptimizerPolicy). */
  private async nextAdam(rec: JobRecord, epoch: number, results: ShardResult[], samples: number[]): Promise<void> {
    const { id, options: o } = rec;
    const step = Math.max(...results.map((r) => r.meta.adamStep));
    if (o.optimizer === 'average') {
      if (results.some((r) => !r.m || !r.v)) throw new JobError(`job ${id}: a shard result of epoch ${epoch + 1} has no Adam moments (policy 'average')`);
      await putAdam(this.redis, this.keys.adam(id, epoch + 1), {
        m: weightedAverage(results.map((r) => r.m!), samples),
        v: weightedAverage(results.map((r) => r.v!), samples),
        step,
      });
    } else if (o.optimizer === 'per-shard') {
      for (let s = 0; s < results.length; s++) {
        const r = results[s];
        if (r.m && r.v) await putAdam(this.redis, this.keys.shardAdam(id, s), { m: r.m, v: r.v, step: r.meta.adamStep });
      }
    }
  }

  /** Test-set evaluation, saved model, final metrics, cleanup. Idempotent. */
  private async finishJob(rec: JobRecord): Promise<void> {
    const { id, options: o } = rec;
    const expected = weightManifest(o.spec).total;
    const weights = await getGlobalWeights(this.redis, this.keys, id, o.epochs, expected);
    const { metrics, out } = await this.evaluator.finish(rec, weights);
    await this.redis.set(this.keys.metrics(id), JSON.stringify(metrics));
    if (await transition(this.redis, this.keys, id, 'completed', { finishedAt: Date.now(), out })) {
      await emitRunEvent(this.redis, this.keys, id, jobFinishedEvent(metrics, out));
      await saveRunEventsFile(this.redis, this.keys, id, out);
      this.log.info(`job ${id}: completed, test accuracy ${(metrics.testAccuracy as number).toFixed(4)}, model in ${out}`);
    }
    this.evaluator.forget(id);
    await cleanupJob(this.redis, this.keys, this.queues, id);
  }
}
