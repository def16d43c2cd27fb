import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { UsageError } from '@tensorpool/core';
import { initBackend, loadModel, parseModelFormat, saveModel, weightManifest } from '@tensorpool/engine';

/**
 * `tensorpool export --model PATH --format h5|keras|tfjs --out PATH`: converts
 * between a model directory (TensorFlow.js layers format), a Keras 2 .h5 and a
 * Keras 3 .keras file. Weights are copied bit for bit; our metadata (labels,
 * input shape, normalization) goes along.
 */
interface ExportFlags { model: string; format: string; out: string; force?: boolean; json?: boolean }

async function run(flags: ExportFlags): Promise<void> {
  const format = parseModelFormat(flags.format);
  if (existsSync(flags.out) && !flags.force) throw new UsageError(`${flags.out} exists; pass --force to replace it`);
  // Reading or writing the tfjs format builds a layers model on this thread.
  await initBackend('cpu');
  const t0 = performance.now();
  const m = await loadModel(flags.model);
  const t1 = performance.now();
  await saveModel(flags.out, format, m);
  const t2 = performance.now();
  const params = weightManifest(m.spec).total;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ out: flags.out, format, params, loadSeconds: (t1 - t0) / 1000, saveSeconds: (t2 - t1) / 1000 })}\n`);
    return;
  }
  process.stdout.write(`wrote ${flags.out} (${format}, ${params} parameters) in ${((t2 - t1) / 1000).toFixed(2)} s\n`);
}

export function register(program: Command): void {
  program
    .command('export')
    .description('convert a model between the tfjs layers format, Keras .h5 and Keras 3 .keras')
    .requiredOption('--model <path>', 'model directory (model.json + weights), Keras .h5 or .keras file')
    .requiredOption('--format <format>', 'h5 (Keras 2 / tf-keras HDF5), keras (Keras 3 archive) or tfjs (model directory)')
    .requiredOption('--out <path>', 'file (h5, keras) or directory (tfjs) to write')
    .option('--force', 'replace --out if it exists')
    .option('--json', 'print one JSON object on stdout')
    .action((flags: ExportFlags) => run(flags));
}
