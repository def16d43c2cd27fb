import type { Command } from 'commander';
import { parseNonNegativeInt, parsePositiveInt } from '../parse.js';
import { ShardWorker, stderrLogger, stopBounds, stopWithin, untilSignal } from '@tensorpool/queue';

/**
 * `tensorpool worker`: trains shard jobs from the queue until SIGTERM, then
 * finishes the current shard and exits; the stop is bounded (worker-stop.ts):
 * past its bounds (e.g. Redis unreachable) one line and exit code 1.
 */
export function register(program: Command): void {
  program
    .command('worker')
    .description('train shard jobs of distributed training jobs (Redis at REDIS_URL); SIGTERM finishes the current shard, then exits')
    .option('--threads <n>', 'trainer threads per shard (default: all cores)', parsePositiveInt('--threads'))
    .option('--concurrency <n>', 'shards trained at once by this process', parsePositiveInt('--concurrency'), 1)
    .option('--id <id>', 'worker id shown in status (default host-pid-random)')
    .option('--stop-grace-ms <ms>', 'on SIGTERM, how long the current shard may take to finish (default 840000, TENSORPOOL_WORKER_STOP_GRACE_MS)', parseNonNegativeInt('--stop-grace-ms'))
    .option('--close-timeout-ms <ms>', 'then how long closing the Redis connections may take before exiting 1 (default 10000, TENSORPOOL_WORKER_CLOSE_MS)', parseNonNegativeInt('--close-timeout-ms'))
    .action(async (o: { threads?: number; concurrency: number; id?: string; stopGraceMs?: number; closeTimeoutMs?: number }) => {
      const bounds = stopBounds({ graceMs: o.stopGraceMs, closeMs: o.closeTimeoutMs });
      const w = new ShardWorker({ threads: o.threads, concurrency: o.concurrency, id: o.id, log: stderrLogger });
      const stop = untilSignal(); // before the "ready" line: whoever reads it may signal at once
      await w.start();
      const sig = await stop;
      stderrLogger.info(`worker ${w.id}: ${sig}, finishing the current shard before exiting`);
      const r = await stopWithin(w, bounds);
      if (!r.ok) {
        process.stderr.write(`tensorpool: ${r.message}\n`);
        process.exit(1);
      }
    });
}
