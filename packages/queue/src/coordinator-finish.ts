/**
 * The end of a job: test-set evaluation, saved model, final metrics, run
 * events file, cleanup. (Moved whole from coordinator.ts; `this` is the Coordinator.)
 */
import { weightManifest } from '@tensorpool/engine';
import { getGlobalWeights } from './blobs.js';
import { transition, type JobRecord } from './state.js';
import { cleanupJob } from './cleanup.js';
import { emitRunEvent, jobFinishedEvent, saveRunEventsFile } from './run-events.js';
import type { CoordinatorParts } from './coordinator-parts.js';
import { timed } from './trace.js';

export const finish = {
  /** Test-set evaluation, saved model, final metrics, cleanup. Idempotent. */
  async finishJob(this: CoordinatorParts, rec: JobRecord): Promise<void> {
    await timed(this.trace, { jobId: rec.id, epoch: rec.options.epochs }, 'finish', () => finishing(this, rec));
  },
};

async function finishing(c: CoordinatorParts, rec: JobRecord): Promise<void> {
  const { id, options: o } = rec;
  const expected = weightManifest(o.spec).total;
  const weights = await getGlobalWeights(c.redis, c.keys, id, o.epochs, expected);
  const { metrics, out } = await c.evaluator.finish(rec, weights);
  await c.redis.set(c.keys.metrics(id), JSON.stringify(metrics));
  if (await transition(c.redis, c.keys, id, 'completed', { finishedAt: Date.now(), out })) {
    await emitRunEvent(c.redis, c.keys, id, jobFinishedEvent(metrics, out));
    await saveRunEventsFile(c.redis, c.keys, id, out);
    c.log.info(`job ${id}: completed, test accuracy ${(metrics.testAccuracy as number).toFixed(4)}, model in ${out}`);
  }
  c.evaluator.forget(id);
  await cleanupJob(c.redis, c.keys, c.queues, id);
}
