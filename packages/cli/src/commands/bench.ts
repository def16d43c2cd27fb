import type { Command } from 'commander';
import { loadSpec } from '@tensorpool/engine';
import { benchTraining, defaultThreads } from '@tensorpool/training';
import { DEFAULTS } from '@tensorpool/core';
import { parsePositiveInt, BACKEND_HELP, threadBackend } from '../parse.js';

/** `tensorpool bench`: training images/s on synthetic input of a preset's shape. */
interface BenchFlags { preset: string; threads: number; steps: number; batchSize: number; json?: boolean; backend?: string }

async function run(flags: BenchFlags): Promise<void> {
  const r = await benchTraining({ spec: loadSpec(flags.preset), threads: flags.threads, steps: flags.steps, batchSize: flags.batchSize, backend: threadBackend(flags.backend) });
  if (flags.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else process.stdout.write(`${r.preset}: ${r.imagesPerSecond.toFixed(1)} images/s with ${r.threads} threads, batch ${r.batchSize}, ${r.steps} steps; peak RSS ${r.peakRssMB} MB\n`);
}

export function register(program: Command): void {
  program
    .command('bench')
    .description('measure training throughput on synthetic input')
    .option('--preset <name|file>', 'model: seed, fashion-mnist, seed-bn, or a spec JSON file', 'seed')
    .option('--threads <n>', 'worker threads, one per core by default', parsePositiveInt('--threads'), defaultThreads())
    .option('--steps <n>', 'timed optimizer steps', parsePositiveInt('--steps'), 10)
    .option('--batch-size <n>', 'global batch size', parsePositiveInt('--batch-size'), DEFAULTS.batchSize)
    .option('--json', 'print one JSON object on stdout')
    .option('--backend <name>', BACKEND_HELP)
    .action((flags: BenchFlags) => run(flags));
}
