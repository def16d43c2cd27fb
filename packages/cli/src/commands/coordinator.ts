import type { Command } from 'commander';
import { parsePositiveInt } from '../parse.js';
import { DEFAULTS } from '@tensorpool/core';
import { Coordinator, stderrLogger, untilSignal } from '@tensorpool/queue';

/** `tensorpool coordinator`: starts jobs, averages epochs, saves models (REDIS_URL, TENSORPOOL_PREFIX). */
export function register(program: Command): void {
  program
    .command('coordinator')
    .description('run the coordinator of distributed training jobs (state in Redis at REDIS_URL; restart-safe)')
    .option('--models-dir <dir>', `where final models are saved: <dir>/<jobId> (default TENSORPOOL_MODELS_DIR, else ${DEFAULTS.modelsDir})`)
    .option('--threads <n>', 'threads for validation/test evaluation (default: all cores)', parsePositiveInt('--threads'))
    .option('--concurrency <n>', 'jobs started / epochs averaged at once', parsePositiveInt('--concurrency'), 4)
    .option('--no-h5', 'do not write the Keras model.h5 next to each final model.json')
    .action(async (o: { modelsDir?: string; threads?: number; concurrency: number; h5: boolean }) => {
      const c = new Coordinator({ modelsDir: o.modelsDir, threads: o.threads, concurrency: o.concurrency, log: stderrLogger, h5: o.h5 });
      await c.start();
      const sig = await untilSignal();
      stderrLogger.info(`coordinator: ${sig}, finishing the step in progress`);
      await c.close();
    });
}
