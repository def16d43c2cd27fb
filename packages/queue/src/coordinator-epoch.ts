/**
 * The epoch's bookkeeping at its last round (called from
 * coordinator-round.ts): validation of the epoch's final weights, the
 * epoch's metrics folded from its rounds and recorded, its log line, and
 * its run event. (Moved from coordinator-round.ts.)
 */
import { getRoundMetrics, recordEpochMetrics, type EpochMetrics, type JobRecord } from './state.js';
import { epochMetricsOf } from './round-metrics.js';
import type { RoundAverage } from './round-average.js';
import type { RoundRef } from './rounds.js';
import { emitRunEvent, jobEpochEvent } from './run-events.js';
import { timed } from './trace.js';
import type { CoordinatorParts } from './coordinator-parts.js';

/** Validates `weights` (the epoch's result), records and logs the epoch's metrics; `avg` is its last round's average. */
export async function closeEpoch(c: CoordinatorParts, rec: JobRecord, at: RoundRef, weights: Float32Array, avg: RoundAverage): Promise<EpochMetrics> {
  const { id: jobId, options: o } = rec;
  const { epoch } = at;
  // The last epoch's validation is the final test evaluation (reused by finishJob, not run twice).
  const val = await timed(c.trace, { jobId, epoch, round: at.round }, 'evaluate', () => c.evaluator.validate(rec, weights));
  const startedAt = Number(await c.redis.hget(c.keys.job(jobId), `epochStartedAt:${epoch}`)) || Date.now();
  const rounds = await getRoundMetrics(c.redis, c.keys, jobId, epoch + 1);
  const m = epochMetricsOf(epoch, rounds, avg.metas, val, (Date.now() - startedAt) / 1000);
  await recordEpochMetrics(c.redis, c.keys, jobId, m);
  c.log.info(`job ${jobId}: epoch ${epoch + 1}/${o.epochs} averaged, loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(4)}${val.validation ? ` val_acc ${val.validation.accuracy.toFixed(4)}` : ''} test_acc ${val.test.accuracy.toFixed(4)} spread ${avg.spread.toFixed(3)}`);
  return m;
}

/** One epoch-end run event per epoch (after its last round), as without rounds. */
export async function publishEpoch(c: CoordinatorParts, rec: JobRecord, m: EpochMetrics): Promise<void> {
  await emitRunEvent(c.redis, c.keys, rec.id, jobEpochEvent(m, rec.options.epochs));
}
