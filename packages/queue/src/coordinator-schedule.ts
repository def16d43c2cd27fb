/**
 * The coordinator's scheduling: starting an admitted job (normalization,
 * initial weights W0, state 'running') and queueing a round as one BullMQ
 * flow, a parent in the epochs queue with S shard children.
 * (Moved whole from coordinator.ts; `this` is the Coordinator.)
 */
import type { EpochJobData, ShardJobData } from '@tensorpool/core';
import { hasGlobalWeights, putGlobalWeights } from './blobs.js';
import type { RoundRef } from './rounds.js';
import { getJobRecord, transition, TERMINAL_STATES, type JobRecord } from './state.js';
import { emitRunEvent, jobStartedEvent } from './run-events.js';
import { shardAttempts } from './timing.js';
import { hook } from './test-hooks.js';
import { measureNormalization } from './measure-normalization.js';
import type { CoordinatorParts } from './coordinator-parts.js';
import { startWeights } from './init-from.js';

export const schedule = {
  async startJob(this: CoordinatorParts, jobId: string): Promise<void> {
    const rec = await getJobRecord(this.redis, this.keys, jobId);
    if (!rec || TERMINAL_STATES.includes(rec.state)) return;
    if (rec.state === 'queued') {
      // 'mean-std' is measured once, before any shard runs; a lost race re-reads the record.
      if (!(await measureNormalization(this.redis, this.keys, rec, () => this.evaluator.dataset(rec)))) return this.startJob(jobId);
      if (!(await hasGlobalWeights(this.redis, this.keys, jobId, 0))) {
        await putGlobalWeights(this.redis, this.keys, jobId, 0, await startWeights(this.redis, this.keys, rec.options));
      }
      if (!(await transition(this.redis, this.keys, jobId, 'running', { startedAt: Date.now() }))) return;
      await emitRunEvent(this.redis, this.keys, jobId, jobStartedEvent(rec));
      this.log.info(`job ${jobId}: started, ${rec.options.epochs} epochs x ${rec.options.shards} shards`);
    }
    const now = await getJobRecord(this.redis, this.keys, jobId);
    if (now && now.state === 'running' && now.epoch < now.options.epochs) await this.queueRound(now, { epoch: now.epoch, round: now.round });
  },

  /** Adds round `at` as one flow: a parent in the epochs queue with S shard children. */
  async queueRound(this: CoordinatorParts, rec: JobRecord, at: RoundRef): Promise<void> {
    const { id } = rec;
    const { shards } = rec.options;
    const { epoch, round } = at;
    if (round === 0) {
      // The evaluation at this epoch's end gets a warm trainer (evaluate.ts prewarm).
      if (this.warmEvaluator) this.evaluator.prewarm(rec);
      await this.redis.del(this.keys.progress(id));
      await this.redis.hset(this.keys.job(id), `epochStartedAt:${epoch}`, String(Date.now()));
    }
    // Round 0 has the pre-rounds job data (no `round` field) and ids.
    const r = round === 0 ? {} : { round };
    await this.queues.flow.add({
      name: 'epoch',
      queueName: this.keys.epochQueue,
      data: { jobId: id, epoch, ...r } satisfies EpochJobData,
      opts: { jobId: this.keys.epochJobId(id, epoch, round), removeOnComplete: true, removeOnFail: 100 },
      children: Array.from({ length: shards }, (_, shard) => ({
        name: 'shard',
        queueName: this.keys.shardQueue,
        data: { jobId: id, epoch, shard, shards, ...r } satisfies ShardJobData,
        opts: {
          jobId: this.keys.shardJobId(id, epoch, shard, round),
          attempts: shardAttempts(),
          backoff: { type: 'fixed' as const, delay: 500 },
          failParentOnFailure: true,
          removeOnComplete: true,
          removeOnFail: 100,
        },
      })),
    });
    await hook('epoch-queued', { epoch });
  },
};
