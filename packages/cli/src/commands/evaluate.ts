import type { Command } from 'commander';
import { initBackend } from '@tensorpool/engine';
import { classMetrics, defaultThreads, evaluate, loadTrainedModel } from '@tensorpool/training';
import { loadDataFor } from './train.js';
import { parsePositiveInt, BACKEND_HELP, threadBackend } from '../parse.js';

/**
 * `tensorpool evaluate --model DIR --data REF`: loss, accuracy, confusion
 * matrix and per-class accuracy of a saved model on a dataset's test split.
 */
interface EvalFlags { model: string; normalization?: string; data: string; dataDir?: string; threads: number; seed?: number; json?: boolean; backend?: string }

async function run(flags: EvalFlags): Promise<void> {
  // Reading a layers model builds tensors on this thread: any backend will do.
  await initBackend('cpu');
  const loaded = await loadTrainedModel(flags.model, { normalization: flags.normalization });
  const data = await loadDataFor(loaded.spec, flags.data, { dataDir: flags.dataDir, seed: flags.seed });
  // A Keras model without our metadata has class_0..: name the classes as the data does.
  const model = loaded.fromMetadata ? loaded : { ...loaded, spec: data.spec };
  const r = await evaluate({ spec: model.spec, weights: model.weights, set: data.test, normalization: model.normalization, threads: flags.threads, backend: threadBackend(flags.backend) });
  const cm = classMetrics(model.spec.labels, r.labels, r.predictions);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ testLoss: r.loss, testAccuracy: r.accuracy, testSamples: r.count, ...cm })}\n`);
    return;
  }
  process.stdout.write(`Test Loss ${r.loss}\nTest Accuracy ${r.accuracy}\n`);
  const width = Math.max(...model.spec.labels.map((l) => l.length));
  for (const [label, acc] of Object.entries(cm.perClassAccuracy)) {
    process.stdout.write(`  ${label.padEnd(width)}  ${acc === null ? '  n/a' : acc.toFixed(4)}\n`);
  }
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description("evaluate a saved model on a dataset's test split")
    .requiredOption('--model <path>', 'model directory (model.json + weights), Keras .h5 or .keras file')
    .requiredOption('--data <ref>', "dataset: 'fashion-mnist', an image folder, or a .npz file")
    .option('--data-dir <dir>', 'where the Fashion-MNIST files are')
    .option('--threads <n>', 'worker threads, one per core by default', parsePositiveInt('--threads'), defaultThreads())
    .option('--seed <n>', 'seed of the train/test split of image folders', parsePositiveInt('--seed'))
    .option('--normalization <mode>', 'div256 or div255, for a Keras model without tensorpool metadata (default div256)')
    .option('--json', 'print one JSON object on stdout')
    .option('--backend <name>', BACKEND_HELP)
    .action((flags: EvalFlags) => run(flags));
}
