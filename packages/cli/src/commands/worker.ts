import type { Command } from 'commander';
import { parsePositiveInt } from '../parse.js';
import { ShardWorker, stderrLogger, untilSignal } from '@tensorpool/queue';

/** `tensorpool worker`: trains shard jobs from the queue until SIGTERM (then finishes the current shard). */
export function register(program: Command): void {
  program
    .command('worker')
    .description('train shard jobs of distributed training jobs (Redis at REDIS_URL); SIGTERM finishes the current shard, then exits')
    .option('--threads <n>', 'trainer threads per shard (default: all cores)', parsePositiveInt('--threads'))
    .option('--concurrency <n>', 'shards trained at once by this process', parsePositiveInt('--concurrency'), 1)
    .option('--id <id>', 'worker id shown in status (default host-pid-random)')
    .action(async (o: { threads?: number; concurrency: number; id?: string }) => {
      const w = new ShardWorker({ threads: o.threads, concurrency: o.concurrency, id: o.id, log: stderrLogger });
      await w.start();
      const sig = await untilSignal();
      stderrLogger.info(`worker ${w.id}: ${sig}, finishing the current shard before exiting`);
      await w.close();
    });
}
