/**
 * A trained model directory:
 *   model.json + weights.bin  TensorFlow.js layers format (engine saveModelDir),
 *                             userDefinedMetadata.tensorpool = { labels, inputShape, normalization, ... }
 *   model.h5                  the same model as a Keras 2 HDF5 file (engine saveKerasH5), same metadata
 *                             in its tensorpool_metadata attribute, Adam's state (when given) as
 *                             optimizer_weights; left out with `h5: false`
 *   metrics.json              test loss/accuracy, confusion matrix, per-class accuracy, history
 *   checkpoint/               the last training state (checkpoint.ts)
 * Saving and loading build a tfjs-layers model on the calling thread's backend.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DEFAULTS, ModelError, UsageError } from '@tensorpool/core';
import { loadModel, saveKerasH5, saveModelDir as engineSave, type ModelSpec } from '@tensorpool/engine';
import { validateNormalization, type Normalization } from '@tensorpool/preprocessing';
import { writeFileAtomic } from './atomic.js';
import type { AdamState } from './types.js';

export const METRICS_JSON = 'metrics.json';
export const MODEL_H5 = 'model.h5';

export interface TrainedModel {
  spec: ModelSpec;
  weights: Float32Array;
  normalization: Normalization;
  /** False when the file carried no tensorpool metadata (a model from Keras): labels and normalization are guesses or flags. */
  fromMetadata?: boolean;
  /** Adam's state: written to model.h5 as optimizer_weights; read from a .h5 that has them (fine-tuning resumes with it). */
  adam?: AdamState;
}

export async function saveModelDir(dir: string, m: TrainedModel & { metrics?: Record<string, unknown>; h5?: boolean }): Promise<void> {
  // Building the layers model needs a backend on this thread: the caller's, or tfjs's best (wasm).
  await tf.ready();
  const metadata = { labels: m.spec.labels, inputShape: m.spec.inputShape, normalization: m.normalization };
  await engineSave(dir, m.spec, m.weights, metadata);
  if (m.h5 ?? DEFAULTS.saveH5) await saveKerasH5(join(dir, MODEL_H5), m.spec, m.weights, metadata, m.adam);
  if (m.metrics) await writeFileAtomic(join(dir, METRICS_JSON), `${JSON.stringify(m.metrics, null, 2)}\n`);
}

/** What to use when the model file has no tensorpool metadata (a Keras model): flags, else div256 and class_k. */
export interface ModelFallbacks { normalization?: unknown; labels?: string[] }

/**
 * Spec, weights and normalization of a model directory, Keras .h5 or .keras
 * file. The file's own metadata wins; fallbacks apply to models without it.
 */
export async function loadTrainedModel(path: string, fallback: ModelFallbacks = {}): Promise<TrainedModel> {
  await tf.ready();
  const saved = await loadModel(path);
  const fromMetadata = saved.metadata.normalization !== undefined;
  let normalization: Normalization;
  try {
    normalization = validateNormalization(saved.metadata.normalization ?? fallback.normalization ?? DEFAULTS.normalization, saved.spec.inputShape[2]);
  } catch (e) {
    throw new ModelError(`${path}: bad normalization${fromMetadata ? ' in the model metadata' : ''}: ${(e as Error).message}`, { cause: e });
  }
  let spec = saved.spec;
  if (saved.metadata.labels === undefined && fallback.labels) {
    if (fallback.labels.length !== spec.labels.length) throw new UsageError(`--labels has ${fallback.labels.length} names but model ${path} has ${spec.labels.length} outputs`);
    spec = { ...spec, labels: [...fallback.labels] };
  }
  return { spec, weights: saved.weights, normalization, fromMetadata, ...(saved.adam ? { adam: saved.adam } : {}) };
}
