import type { Command } from 'commander';
import { withQueueClient } from '../queue-client.js';

/** `tensorpool cancel JOB`: stops a queued or running job (workers abort its shards). */
export function register(program: Command): void {
  program
    .command('cancel')
    .description('cancel a queued or running distributed job')
    .argument('<job>', 'job id')
    .option('--json', 'print {"jobId","cancelled","state"}')
    .action(async (job: string, o: { json?: boolean }) => {
      await withQueueClient(async (client) => {
        const r = await client.cancel(job);
        if (o.json) process.stdout.write(`${JSON.stringify({ jobId: job, ...r })}\n`);
        else process.stdout.write(r.cancelled ? `cancelled ${job}\n` : `job ${job} was already ${r.state}; nothing to cancel\n`);
      });
    });
}
