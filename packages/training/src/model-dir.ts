/**
 * A trained model directory:
 *   model.json + weights.bin  TensorFlow.js layers format (engine saveModelDir),
 *                             userDefinedMetadata.tensorpool = { labels, inputShape, normalization, ... }
 *   metrics.json              test loss/accuracy, confusion matrix, per-class accuracy, history
 *   checkpoint/               the last training state (checkpoint.ts)
 * Saving and loading build a tfjs-layers model on the calling thread's backend.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ModelError } from '@tensorpool/core';
import { loadModelDir, saveModelDir as engineSave, type ModelSpec } from '@tensorpool/engine';
import { validateNormalization, type Normalization } from '@tensorpool/preprocessing';
import { writeFileAtomic } from './atomic.js';

export const METRICS_JSON = 'metrics.json';

export interface TrainedModel {
  spec: ModelSpec;
  weights: Float32Array;
  normalization: Normalization;
}

export async function saveModelDir(dir: string, m: TrainedModel & { metrics?: Record<string, unknown> }): Promise<void> {
  // Building the layers model needs a backend on this thread: the caller's, or tfjs's best (wasm).
  await tf.ready();
  await engineSave(dir, m.spec, m.weights, { labels: m.spec.labels, inputShape: m.spec.inputShape, normalization: m.normalization });
  if (m.metrics) await writeFileAtomic(join(dir, METRICS_JSON), `${JSON.stringify(m.metrics, null, 2)}\n`);
}

/** Spec, weights and normalization of a model dir (normalization defaults to div256 for models from elsewhere). */
export async function loadTrainedModel(dir: string): Promise<TrainedModel> {
  await tf.ready();
  const saved = await loadModelDir(dir);
  const norm = saved.metadata.normalization ?? 'div256';
  let normalization: Normalization;
  try {
    normalization = validateNormalization(norm, saved.spec.inputShape[2]);
  } catch (e) {
    throw new ModelError(`${join(dir, 'model.json')}: bad userDefinedMetadata.tensorpool.normalization: ${(e as Error).message}`, { cause: e });
  }
  return { spec: saved.spec, weights: saved.weights, normalization };
}
