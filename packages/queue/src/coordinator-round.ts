/**
 * The end of a round: the shard results averaged (round-average.ts), the
 * outer step (outer.ts), the next round's state written and the round's
 * metrics recorded (stepRound), its inputs deleted (dropRoundInputs); at an
 * epoch's last round the epoch's bookkeeping (coordinator-epoch.ts) in
 * between; then the next round queued or the job finished. finishRound only
 * orders these steps; each step is about a round or about an epoch, never both.
 * (Moved from coordinator.ts; `this` is the Coordinator.)
 */
import { JobError, type EpochJobData } from '@tensorpool/core';
import { movingEntries, weightManifest } from '@tensorpool/engine';
import { getGlobalWeights, putGlobalWeights } from './blobs.js';
import { optimizerStatePolicy } from './optimizer-policy.js';
import { averageRound, type RoundAverage } from './round-average.js';
import { outerStep } from './outer.js';
import { getOuterMomentum, putOuterMomentum } from './outer-state.js';
import { roundMetricsOf } from './round-metrics.js';
import { nextRound, roundIndex, roundsOf, type RoundRef } from './rounds.js';
import { getJobRecord, recordRoundMetrics, setCompletedRound, TERMINAL_STATES, type JobRecord } from './state.js';
import { cleanupJob } from './cleanup.js';
import { hook } from './test-hooks.js';
import { timed } from './trace.js';
import { closeEpoch, publishEpoch } from './coordinator-epoch.js';
import type { CoordinatorParts } from './coordinator-parts.js';

export const roundEnd = {
  /**
   * All S shards of round `at` are done: averages them and writes the next
   * round's state (stepRound), closes the epoch at its last round, moves the
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
    const { weights, avg } = await stepRound(this, rec, at, next);
    // The last round of an epoch: the epoch's validation and metrics (coordinator-epoch.ts).
    const epochEnd = next.round === 0 ? await closeEpoch(this, rec, at, weights, avg) : undefined;
    const where = { jobId, epoch, round: at.round };
    await timed(this.trace, where, 'record', async () => {
      await setCompletedRound(this.redis, this.keys, jobId, next.epoch, next.round);
      if (epochEnd) await publishEpoch(this, rec, epochEnd);
      await dropRoundInputs(this, jobId, at, o.shards);
    });
    // Test hook point: once per epoch, after its last round (test-hooks.ts).
    if (epochEnd) await hook('epoch-averaged', { epoch });
    await advance(this, jobId, next);
  },
};

/**
 * Round `at`'s shard results streamed into the average, the outer step, the
 * next round's weights (and outer momentum, Adam state) written and the
 * round's metrics recorded. Returns the next round's weights and the average.
 */
async function stepRound(c: CoordinatorParts, rec: JobRecord, at: RoundRef, next: RoundRef): Promise<{ weights: Float32Array; avg: RoundAverage }> {
  const { id: jobId, options: o } = rec;
  const { epoch } = at;
  const where = { jobId, epoch, round: at.round };
  const expected = weightManifest(o.spec).total;
  const policy = optimizerStatePolicy(o.optimizer);
  const [start, avg] = await timed(c.trace, where, 'average', async () => {
    const start = await getGlobalWeights(c.redis, c.keys, jobId, at.epoch, expected, at.round);
    return [start, await averageRound(c.redis, c.keys, at, start, {
      jobId, shards: o.shards, expected, moments: policy.averagesMoments,
      each: (s, r) => policy.keepShard(c.redis, c.keys, { jobId, epoch, round: at.round, shard: s }, r),
    })] as const;
  });
  const step = await timed(c.trace, where, 'outer', async () => {
    const u = await getOuterMomentum(c.redis, c.keys, jobId, at, expected, o);
    const step = outerStep(start, avg.weights, u, { outer: o.outer ?? 'average', outerLr: o.outerLr ?? 1, outerMomentum: o.outerMomentum ?? 0 }, movingEntries(weightManifest(o.spec)));
    await putGlobalWeights(c.redis, c.keys, jobId, next.epoch, step.weights, next.round);
    if (step.u) await putOuterMomentum(c.redis, c.keys, jobId, next, step.u);
    await policy.keepAverage(c.redis, c.keys, jobId, next, avg);
    return step;
  });
  // Test hook point: the next round's state is written, the record still says round `at`.
  await hook('round-state', { epoch });
  const rm = roundMetricsOf(at, avg);
  await recordRoundMetrics(c.redis, c.keys, jobId, rm);
  const R = roundsOf(o);
  if (next.round !== 0) c.log.info(`job ${jobId}: epoch ${epoch + 1}${R > 1 ? ` round ${at.round + 1}/${R}` : ''} averaged, loss ${rm.loss.toFixed(4)} spread ${rm.spread.toFixed(3)}`);
  return { weights: step.weights, avg };
}

/** The round is averaged: its inputs (weights, Adam and outer state, shard results) are no longer needed. */
async function dropRoundInputs(c: CoordinatorParts, jobId: string, at: RoundRef, shards: number): Promise<void> {
  const old = [c.keys.weights(jobId, at.epoch, at.round), c.keys.adam(jobId, at.epoch, at.round), c.keys.outer(jobId, at.epoch, at.round)];
  for (let s = 0; s < shards; s++) old.push(c.keys.result(jobId, at.epoch, s, at.round));
  await c.redis.del(...old);
}

/** Queues round `next`, or finishes the job after its last; a job cancelled or failed meanwhile is cleaned up instead. */
async function advance(c: CoordinatorParts, jobId: string, next: RoundRef): Promise<void> {
  const after = await getJobRecord(c.redis, c.keys, jobId);
  if (!after) return;
  if (after.state !== 'running') {
    // Cancelled or failed while this round was being averaged: drop what it just wrote.
    c.evaluator.forget(jobId);
    await cleanupJob(c.redis, c.keys, c.queues, jobId);
    return;
  }
  if (next.epoch < after.options.epochs) await c.queueRound(after, next);
  else await c.finishJob(after);
}
