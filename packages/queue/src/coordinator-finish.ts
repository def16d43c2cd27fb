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
    const p = finishOnce.call(this, rec).finally(() => this.finishing.delete(rec.id));
    this.finishing.set(rec.id, p);
    return p;
  },
};

async function finishOnce(this: CoordinatorParts, rec: JobRecord): Promise<void> {
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
