import { existsSync, readFileSync } from 'node:fs';
import { DataError, ModelError, UsageError } from '@tensorpool/core';
import type { LayerSpec, ModelSpec } from './spec.js';
import { validateSpec } from './validate.js';

/**
 * Built-in specs. Both use the seed script's network (Keras, 2019), layer for
 * layer, with activations as separate layers exactly as that script adds them:
 * Conv(32,same)-ReLU-Conv(32)-ReLU-MaxPool2-Dropout.25-Conv(64,same)-ReLU-
 * Conv(64)-ReLU-MaxPool2-Dropout.25-Flatten-Dense512-ReLU-Dropout.5-DenseN-softmax.
 */
export interface SeedWidths { conv1: number; conv2: number; dense: number }
const SEED_WIDTHS: SeedWidths = { conv1: 32, conv2: 64, dense: 512 };

/**
 * The seed network's layers for `classes` outputs; `widths` narrows it (tests
 * use a slim copy of the same topology); `batchNorm` puts a
 * BatchNormalization between each conv and its ReLU (the seed-bn preset).
 */
export function seedLayers(classes: number, widths: SeedWidths = SEED_WIDTHS, batchNorm = false): LayerSpec[] {
  const { conv1, conv2, dense } = widths;
  const bn: LayerSpec[] = batchNorm ? [{ type: 'batchNormalization' }] : [];
  return [
    { type: 'conv2d', filters: conv1, kernelSize: 3, padding: 'same' },
    ...bn,
    { type: 'activation', activation: 'relu' },
    { type: 'conv2d', filters: conv1, kernelSize: 3 },
    ...bn,
    { type: 'activation', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'dropout', rate: 0.25 },
    { type: 'conv2d', filters: conv2, kernelSize: 3, padding: 'same' },
    ...bn,
    { type: 'activation', activation: 'relu' },
    { type: 'conv2d', filters: conv2, kernelSize: 3 },
    ...bn,
    { type: 'activation', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'dropout', rate: 0.25 },
    { type: 'flatten' },
    { type: 'dense', units: dense },
    { type: 'activation', activation: 'relu' },
    { type: 'dropout', rate: 0.5 },
    { type: 'dense', units: classes },
    { type: 'activation', activation: 'softmax' },
  ];
}

const FASHION_LABELS = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

const PRESETS: Record<string, () => ModelSpec> = {
  seed: () => ({
    name: 'seed',
    inputShape: [100, 100, 3],
    labels: ['dogs', 'cats', 'monkeys', 'birds', 'fish', 'lizards'],
    layers: seedLayers(6),
  }),
  'fashion-mnist': () => ({
    name: 'fashion-mnist',
    inputShape: [28, 28, 1],
    labels: [...FASHION_LABELS],
    layers: seedLayers(10),
  }),
  // The seed network with BatchNormalization after each conv, at Fashion-MNIST's shape (28x28x1, 10 classes)
  // to compare with the fashion-mnist preset; for other data use a spec file with the same layers.
  'seed-bn': () => ({
    name: 'seed-bn',
    inputShape: [28, 28, 1],
    labels: [...FASHION_LABELS],
    layers: seedLayers(10, SEED_WIDTHS, true),
  }),
};

export const PRESET_NAMES: readonly string[] = Object.keys(PRESETS);

/** A fresh copy of a built-in spec; unknown name -> UsageError listing the presets. */
export function getPreset(name: string): ModelSpec {
  const make = PRESETS[name];
  if (!make) throw new UsageError(`unknown preset '${name}': use one of ${PRESET_NAMES.join(', ')}, or a spec JSON file`);
  return make();
}

/** A preset name, or the path of a JSON spec file (validated). */
export function loadSpec(presetOrFile: string): ModelSpec {
  if (PRESETS[presetOrFile]) return getPreset(presetOrFile);
  const looksLikeFile = /[\\/]|\.json$/i.test(presetOrFile);
  if (!existsSync(presetOrFile)) {
    if (looksLikeFile) throw new DataError(`model spec file ${presetOrFile} does not exist`);
    return getPreset(presetOrFile); // throws UsageError listing presets
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(presetOrFile, 'utf8'));
  } catch (e) {
    throw new ModelError(`model spec file ${presetOrFile} is not valid JSON: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  try {
    return validateSpec(json);
  } catch (e) {
    if (e instanceof ModelError) throw new ModelError(`${presetOrFile}: ${e.message}`, { cause: e });
    throw e;
  }
}
