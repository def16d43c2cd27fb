/**
 * The coordinator's recovery: a failed round fails its job naming the shard,
 * a step's JobError fails the job instead of retrying forever, and after a
 * restart every running job gets its current round queued again.
 * (Moved whole from coordinator.ts; `this` is the Coordinator.)
 */
import { JobError } from '@tensorpool/core';
import { describeShard } from './results.js';
import { describeRound, roundsOf } from './rounds.js';
import { isJobId } from './stored.js';
import { getJobRecord, transition, TERMINAL_STATES } from './state.js';
import { cleanupJob } from './cleanup.js';
import { emitRunEvent } from './run-events.js';
import { parseEpochJobData } from './job-data.js';
import type { CoordinatorParts } from './coordinator-parts.js';

export const recovery = {
  /** Fails the training job of a failed round job, with the failing shard's reason. */
  async onEpochFailed(this: CoordinatorParts, epochJobId: string): Promise<void> {
    const job = await this.queues.epochs.getJob(epochJobId);
    if (!job) return;
    const { jobId, epoch, round: r } = parseEpochJobData(job.data);
    const round = r ?? 0;
    const rec = await getJobRecord(this.redis, this.keys, jobId);
    if (!rec || TERMINAL_STATES.includes(rec.state)) return;
    let reason = job.failedReason || 'a shard failed';
    for (let shard = 0; shard < rec.options.shards; shard++) {
      const child = await this.queues.shards.getJob(this.keys.shardJobId(jobId, epoch, shard, round));
      if (child && (await child.getState()) === 'failed') {
        reason = `${describeShard({ epoch, shard, round })} failed after ${child.attemptsMade} attempts: ${child.failedReason}`;
        break;
      }
    }
    await this.fail(jobId, new JobError(reason));
  },

  /**
   * Makes sure every running job has its current round's flow queued (a
   * coordinator that died between averaging and queueing the next flow left
   * none). Flows use deterministic ids, so an existing one is never doubled.
   */
  async resume(this: CoordinatorParts): Promise<void> {
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
          const roundJob = await this.queues.epochs.getJob(this.keys.epochJobId(id, rec.epoch, rec.round));
          if (!roundJob) await this.queueRound(rec, { epoch: rec.epoch, round: rec.round });
          else if ((await roundJob.getState()) === 'failed') await this.onEpochFailed(roundJob.id!);
        }
        this.log.info(`job ${id}: resumed at ${describeRound({ epoch: rec.epoch, round: rec.round }, roundsOf(rec.options))} of ${rec.options.epochs} epochs`);
      } catch (e) {
        await this.fail(id, e as Error);
      }
    }
  },

  /** Runs a step; a JobError (bad data, rejected result) fails the job instead of retrying forever. */
  async guard(this: CoordinatorParts, jobId: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('E_') && (e as { code?: string }).code !== 'E_INTERNAL') {
        await this.fail(jobId, e as Error);
        return;
      }
      throw e;
    }
  },

  async fail(this: CoordinatorParts, jobId: string, e: Error): Promise<void> {
    this.log.error(`job ${jobId} failed: ${e.message}`);
    await transition(this.redis, this.keys, jobId, 'failed', { finishedAt: Date.now(), error: e.message });
    await emitRunEvent(this.redis, this.keys, jobId, { type: 'run-failed', message: e.message.slice(0, 2000) });
    // Also when the record's own id field is what is corrupt (the transition script removes by that field).
    await this.redis.srem(this.keys.active, jobId);
    this.evaluator.forget(jobId);
    await cleanupJob(this.redis, this.keys, this.queues, jobId);
  },
};
