import type { Command } from 'commander';
import { UsageError } from '@tensorpool/core';
import { decodeImage } from '@tensorpool/data';
import { initBackend } from '@tensorpool/engine';
import { normalizeInto } from '@tensorpool/preprocessing';
import { Trainer, loadTrainedModel } from '@tensorpool/training';
import { parsePositiveInt, BACKEND_HELP, threadBackend } from '../parse.js';

/**
 * `tensorpool predict --model DIR IMAGE...`: top classes with probabilities.
 * Images of any size are decoded and stretched to the model's [h, w] the way
 * image folders are read for training (sharp, sRGB, PIL's "L" weights for
 * grayscale), then normalized as the model's metadata says.
 */
interface PredictFlags { model: string; normalization?: string; labels?: string[]; top: number; json?: boolean; backend?: string }

async function run(images: string[], flags: PredictFlags): Promise<void> {
  if (images.length === 0) throw new UsageError('give at least one image file: tensorpool predict --model DIR IMAGE...');
  await initBackend('cpu');
  const model = await loadTrainedModel(flags.model, { normalization: flags.normalization, labels: flags.labels });
  const shape = model.spec.inputShape;
  const size = shape[0] * shape[1] * shape[2];
  const pixels = new Uint8Array(images.length * size);
  for (let i = 0; i < images.length; i++) await decodeImage(images[i], shape, pixels.subarray(i * size, (i + 1) * size));
  const x = new Float32Array(pixels.length);
  normalizeInto(pixels, x, images.length, shape, model.normalization);
  const trainer = await Trainer.create({ spec: model.spec, threads: 1, backend: threadBackend(flags.backend) });
  let probs: Float32Array;
  try {
    trainer.setWeights(model.weights);
    probs = await trainer.predict(x, images.length);
  } finally {
    await trainer.close();
  }
  const k = model.spec.labels.length;
  const top = Math.min(flags.top, k);
  const results = images.map((file, i) => {
    const row = Array.from(probs.subarray(i * k, (i + 1) * k), (p, c) => ({ label: model.spec.labels[c], probability: p }));
    row.sort((a, b) => b.probability - a.probability);
    return { file, top: row.slice(0, top) };
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
    return;
  }
  for (const r of results) {
    process.stdout.write(`${r.file}\n`);
    for (const t of r.top) process.stdout.write(`  ${t.label.padEnd(16)} ${t.probability.toFixed(4)}\n`);
  }
}

export function register(program: Command): void {
  program
    .command('predict')
    .description('classify image files with a saved model')
    .argument('<images...>', 'image files (jpg, png, webp, ...; any size)')
    .requiredOption('--model <path>', 'model directory (model.json + weights), Keras .h5 or .keras file')
    .option('--top <k>', 'classes to show per image', parsePositiveInt('--top'), 3)
    .option('--normalization <mode>', 'div256 or div255, for a Keras model without tensorpool metadata (default div256)')
    .option('--labels <names>', 'comma-separated class names, for a Keras model without tensorpool metadata', (v: string) => v.split(',').map((x) => x.trim()))
    .option('--json', 'print one JSON array on stdout')
    .option('--backend <name>', BACKEND_HELP)
    .action((images: string[], flags: PredictFlags) => run(images, flags));
}
