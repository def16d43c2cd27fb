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
  /**
   * Test-set evaluation, saved model, final metrics, cleanup. Idempotent, and
   * single-flight per job in this process: after a restart the resume scan and
   * a redelivered last round can both reach here for one job at once, and two
   * evaluations writing one model directory would race (and waste the work).
   */
  finishJob(this: CoordinatorParts, rec: JobRecord): Promise<void> {
    const running = this.finishing.get(rec.id);
    if (running) return running;
    const p = timed(this.trace, { jobId: rec.id, epoch: rec.options.epochs }, 'finish', () => finishing(this, rec))
      .finally(() => this.finishing.delete(rec.id));
    this.finishing.set(rec.id, p);
    return p;
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
