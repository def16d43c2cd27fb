import type { Command } from 'commander';
import { parsePositiveInt } from '../parse.js';
import { boundsOf, stopFlags, type StopFlags } from '../stop-flags.js';
import { runUntilSignal, ShardWorker, stderrLogger } from '@tensorpool/queue';

/**
 * `tensorpool worker`: trains shard jobs from the queue until SIGTERM, then
 * finishes the current shard and exits; the stop is bounded (bounded-stop.ts):
 * past its bounds (e.g. Redis unreachable) one line and exit code 1.
 */
export function register(program: Command): void {
  const cmd = program
    .command('worker')
    .description('train shard jobs of distributed training jobs (Redis at REDIS_URL); SIGTERM finishes the current shard, then exits (past the stop bounds: exit 1)')
    .option('--threads <n>', 'trainer threads per shard (default: all cores)', parsePositiveInt('--threads'))
    .option('--concurrency <n>', 'shards trained at once by this process', parsePositiveInt('--concurrency'), 1)
    .option('--id <id>', 'worker id shown in status (default host-pid-random)');
  stopFlags(cmd, 'worker', 'the current shard')
    .action(async (o: { threads?: number; concurrency: number; id?: string } & StopFlags) => {
      const bounds = boundsOf('worker', o);
      const w = new ShardWorker({ threads: o.threads, concurrency: o.concurrency, id: o.id, log: stderrLogger });
      await runUntilSignal(w, { who: `worker ${w.id}`, work: 'shards', leftover: 'other workers will retry them', stopping: 'finishing the current shard before exiting' }, bounds);
    });
}
