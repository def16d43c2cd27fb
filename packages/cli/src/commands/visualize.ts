import type { Command } from 'commander';
import { initBackend } from '@tensorpool/engine';
import { decodeForModel, explain, loadTrainedModel, writeExplanationPngs } from '@tensorpool/training';

/**
 * `tensorpool visualize --model DIR IMAGE --out DIR`: the pooling explorer
 * as PNG files. The image is decoded, resized and normalized as for
 * `predict`, run through the model's real forward pass, and drawn:
 * input.png, each conv layer's feature maps, each MaxPooling2D layer's
 * input (windows and chosen maxima outlined) next to its output
 * (packages/training/src/explain-png.ts).
 */
interface VisualizeFlags { model: string; out: string; normalization?: string; labels?: string[]; json?: boolean }

async function run(image: string, flags: VisualizeFlags): Promise<void> {
  await initBackend('cpu');
  const model = await loadTrainedModel(flags.model, { normalization: flags.normalization, labels: flags.labels });
  const e = explain(model, await decodeForModel(model, image));
  const files = await writeExplanationPngs(flags.out, e, model.spec.inputShape);
  let best = 0;
  e.probabilities.forEach((p, i) => void (p > e.probabilities[best] && (best = i)));
  const predicted = { label: model.spec.labels[best], probability: e.probabilities[best] };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ out: flags.out, files, predicted })}\n`);
    return;
  }
  process.stdout.write(`predicted ${predicted.label} (${predicted.probability.toFixed(4)}); wrote ${files.length} files to ${flags.out}:\n`);
  for (const f of files) process.stdout.write(`  ${f}\n`);
}

export function register(program: Command): void {
  program
    .command('visualize')
    .description("draw what a saved model does to one image: input, conv feature maps, MaxPooling2D windows (PNGs)")
    .argument('<image>', 'image file (jpg, png, webp, ...; any size, resized to the model input)')
    .requiredOption('--model <path>', 'model directory (model.json + weights), Keras .h5 or .keras file')
    .requiredOption('--out <dir>', 'directory for the PNG files (created)')
    .option('--normalization <mode>', 'div256 or div255, for a Keras model without tensorpool metadata (default div256)')
    .option('--labels <names>', 'comma-separated class names, for a Keras model without tensorpool metadata', (v: string) => v.split(',').map((x) => x.trim()))
    .option('--json', 'print one JSON object (files, prediction) on stdout')
    .action((image: string, flags: VisualizeFlags) => run(image, flags));
}
