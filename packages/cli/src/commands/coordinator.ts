import type { Command } from 'commander';
import { parsePositiveInt } from '../parse.js';
import { boundsOf, stopFlags, type StopFlags } from '../stop-flags.js';
import { DEFAULTS } from '@tensorpool/core';
import { Coordinator, runUntilSignal, stderrLogger } from '@tensorpool/queue';

/**
 * `tensorpool coordinator`: starts jobs, averages epochs, saves models (REDIS_URL, TENSORPOOL_PREFIX).
 * SIGTERM: takes no new step, lets the one in progress finish; the stop is bounded (bounded-stop.ts).
 */
export function register(program: Command): void {
  const cmd = program
    .command('coordinator')
    .description('run the coordinator of distributed training jobs (state in Redis at REDIS_URL; restart-safe); SIGTERM finishes the averaging/evaluation step in progress, then exits (past the stop bounds: exit 1, the step is re-run by the next coordinator)')
    .option('--models-dir <dir>', `where final models are saved: <dir>/<jobId> (default TENSORPOOL_MODELS_DIR, else ${DEFAULTS.modelsDir})`)
    .option('--threads <n>', 'threads for validation/test evaluation (default: all cores)', parsePositiveInt('--threads'))
    .option('--concurrency <n>', 'jobs started / epochs averaged at once', parsePositiveInt('--concurrency'), 4)
    .option('--no-h5', 'do not write the Keras model.h5 next to each final model.json');
  stopFlags(cmd, 'coordinator', 'the averaging/evaluation step in progress')
    .action(async (o: { modelsDir?: string; threads?: number; concurrency: number; h5: boolean } & StopFlags) => {
      const bounds = boundsOf('coordinator', o);
      const c = new Coordinator({ modelsDir: o.modelsDir, threads: o.threads, concurrency: o.concurrency, log: stderrLogger, h5: o.h5 });
      await runUntilSignal(c, { who: 'coordinator', work: 'steps', leftover: 'BullMQ re-delivers them to the next coordinator', stopping: 'finishing the step in progress' }, bounds);
    });
}
