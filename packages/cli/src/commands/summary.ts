import type { Command } from 'commander';
// Subpath imports: printing a table needs neither tfjs nor a backend.
import { loadSpec } from '@tensorpool/engine/presets';
import { summary } from '@tensorpool/engine/summary';

/** `tensorpool summary --preset <name|FILE>`: the Keras-style layer table of a model spec. */
export function register(program: Command): void {
  program
    .command('summary')
    .description('print the layer table and parameter count of a model preset or spec JSON file')
    .requiredOption('--preset <name|FILE>', 'preset name (seed, fashion-mnist, seed-bn) or path of a model spec JSON file')
    .action((opts: { preset: string }) => {
      process.stdout.write(`${summary(loadSpec(opts.preset))}\n`);
    });
}
