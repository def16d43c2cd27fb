/**
 * The end of a round: the shard results averaged (round-average.ts), the
 * outer step (outer.ts), the next round's state written, the round's and (at
 * an epoch's last round) the epoch's metrics recorded, then the next round
 * queued or the job finished. (Moved whole from coordinator.ts; `this` is the Coordinator.)
 */
import { JobError, type EpochJobData } from '@tensorpool/core';
import { movingEntries, weightManifest } from '@tensorpool/engine';
import { getGlobalWeights, putGlobalWeights } from './blobs.js';
import { optimizerStatePolicy } from './optimizer-policy.js';
import { averageRound } from './round-average.js';
import { outerStep } from './outer.js';
import { getOuterMomentum, putOuterMomentum } from './outer-state.js';
import { epochMetricsOf, roundMetricsOf } from './round-metrics.js';
import { nextRound, roundIndex, roundsOf, type RoundRef } from './rounds.js';
import { getJobRecord, getRoundMetrics, recordEpochMetrics, recordRoundMetrics, setCompletedRound, TERMINAL_STATES, type EpochMetrics } from './state.js';
import { cleanupJob } from './cleanup.js';
import { emitRunEvent, jobEpochEvent } from './run-events.js';
import { hook } from './test-hooks.js';
import type { CoordinatorParts } from './coordinator-parts.js';

export const roundEnd = {
  /**
   * All S shards of round `at` are done: streams their results into the
   * average, applies the outer optimizer, stores the next round's weights
   * (and Adam / momentum state), validates at the end of an epoch, moves the
   * record on, deletes the round's blobs and queues the next round.
   */
  async finishRound(this: CoordinatorParts, data: EpochJobData): Promise<void> {
    const { jobId, epoch } = data;
    const at: RoundRef = { epoch, round: data.round ?? 0 };
    const rec = await getJobRecord(this.redis, this.keys, jobId);
    if (!rec || TERMINAL_STATES.includes(rec.state)) return;
    const o = rec.options;
    const R = roundsOf(o);
    if (at.epoch >= o.epochs || at.round >= R) throw new JobError(`job ${jobId}: epoch job data (epoch ${at.epoch + 1} round ${at.round + 1}) does not match the job (${o.epochs} epochs of ${R} rounds)`);
    if (roundIndex(rec, R) > roundIndex(at, R)) {
      // Averaged already (this step ran before and died after the record moved on).
      if (rec.epoch < o.epochs) await this.queueRound(rec, { epoch: rec.epoch, round: rec.round });
      else await this.finishJob(rec);
      return;
    }
    const next = nextRound(at, R);
    const expected = weightManifest(o.spec).total;
    const start = await getGlobalWeights(this.redis, this.keys, jobId, at.epoch, expected, at.round);
    const policy = optimizerStatePolicy(o.optimizer);
    const avg = await averageRound(this.redis, this.keys, at, start, {
      jobId, shards: o.shards, expected, moments: policy.averagesMoments,
      each: (s, r) => policy.keepShard(this.redis, this.keys, { jobId, epoch, round: at.round, shard: s }, r),
    });
    const u = await getOuterMomentum(this.redis, this.keys, jobId, at, expected, o);
    const outer = { outer: o.outer ?? 'average', outerLr: o.outerLr ?? 1, outerMomentum: o.outerMomentum ?? 0 } as const;
    const step = outerStep(start, avg.weights, u, outer, movingEntries(weightManifest(o.spec)));
    await putGlobalWeights(this.redis, this.keys, jobId, next.epoch, step.weights, next.round);
    if (step.u) await putOuterMomentum(this.redis, this.keys, jobId, next, step.u);
    await policy.keepAverage(this.redis, this.keys, jobId, next, avg);
    // Test hook point: the next round's state is written, the record still says round `at`.
    await hook('round-state', { epoch });
    const rm = roundMetricsOf(at, avg);
    await recordRoundMetrics(this.redis, this.keys, jobId, rm);
    const detail = R > 1 ? ` round ${at.round + 1}/${R}` : '';
    let epochEnd: EpochMetrics | undefined;
    if (next.round === 0) {
      // The last epoch's validation is the final test evaluation (reused by finishJob, not run twice).
      const val = await this.evaluator.validate(rec, step.weights);
      const startedAt = Number(await this.redis.hget(this.keys.job(jobId), `epochStartedAt:${epoch}`)) || Date.now();
      const rounds = await getRoundMetrics(this.redis, this.keys, jobId, epoch + 1);
      const m = epochMetricsOf(epoch, rounds, avg.metas, val, (Date.now() - startedAt) / 1000);
      await recordEpochMetrics(this.redis, this.keys, jobId, m);
      epochEnd = m;
      this.log.info(`job ${jobId}: epoch ${epoch + 1}/${o.epochs} averaged, loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(4)}${val.validation ? ` val_acc ${val.validation.accuracy.toFixed(4)}` : ''} test_acc ${val.test.accuracy.toFixed(4)} spread ${rm.spread.toFixed(3)}`);
    } else {
      this.log.info(`job ${jobId}: epoch ${epoch + 1}${detail} averaged, loss ${rm.loss.toFixed(4)} spread ${rm.spread.toFixed(3)}`);
    }
    await setCompletedRound(this.redis, this.keys, jobId, next.epoch, next.round);
    // One epoch-end run event per epoch (after its last round), as without rounds.
    if (epochEnd) await emitRunEvent(this.redis, this.keys, jobId, jobEpochEvent(epochEnd, o.epochs));
    // The round is averaged: its inputs are no longer needed.
    const old = [this.keys.weights(jobId, epoch, at.round), this.keys.adam(jobId, epoch, at.round), this.keys.outer(jobId, epoch, at.round)];
    for (let s = 0; s < o.shards; s++) old.push(this.keys.result(jobId, epoch, s, at.round));
    await this.redis.del(...old);
    // Test hook point: once per epoch, after its last round (test-hooks.ts).
    if (epochEnd) await hook('epoch-averaged', { epoch });

    const after = await getJobRecord(this.redis, this.keys, jobId);
    if (!after) return;
    if (after.state !== 'running') {
      // Cancelled or failed while this round was being averaged: drop what it just wrote.
      this.evaluator.forget(jobId);
      await cleanupJob(this.redis, this.keys, this.queues, jobId);
      return;
    }
    if (next.epoch < o.epochs) await this.queueRound(after, next);
    else await this.finishJob(after);
  },
};
