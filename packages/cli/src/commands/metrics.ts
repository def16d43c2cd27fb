import type { Command } from 'commander';
import { withQueueClient } from '../queue-client.js';

/** `tensorpool metrics JOB [--json]`: final test metrics of a completed job. */
export function register(program: Command): void {
  program
    .command('metrics')
    .description("a completed distributed job's test metrics (testLoss, testAccuracy, confusionMatrix, ...)")
    .argument('<job>', 'job id')
    .option('--json', 'print JSON (the default output is a short summary)')
    .action(async (job: string, o: { json?: boolean }) => {
      await withQueueClient(async (client) => {
        const m = await client.metrics(job);
        if (o.json) process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
        else process.stdout.write(`job ${job}: test loss ${(m.testLoss as number).toFixed(4)}, test accuracy ${(100 * (m.testAccuracy as number)).toFixed(2)}% on ${m.testSamples} samples; model in ${m.modelDir}\n`);
      });
    });
}
