/**
 * A whole training run: epochs over a Trainer, per-epoch validation and
 * checkpoint, final test evaluation, saved model and metrics. The CLI's
 * `train` is a thin layer over this; so is examples/.
 */
import { join } from 'node:path';
import { checkPositiveInt, TrainingError, UsageError } from '@tensorpool/core';
import type { ModelSpec } from '@tensorpool/engine';
import type { ImageSet } from '@tensorpool/data';
import type { Normalization } from '@tensorpool/preprocessing';
import { Trainer } from './trainer.js';
import { CHECKPOINT_DIR, saveCheckpoint, type Checkpoint, type CheckpointState } from './checkpoint.js';
import { addSums, epochMeans, NO_SUMS, testMetrics, type EpochRecord } from './metrics.js';
import { saveModelDir } from './model-dir.js';
import { saveSamples } from './samples.js';
import type { AdamState, AugmentMode, ProgressInfo } from './types.js';

export interface RunTrainingOptions {
  spec: ModelSpec;
  train: ImageSet;
  /** Held-out part of the training data, evaluated after every epoch. */
  validation?: ImageSet;
  test: ImageSet;
  epochs: number;
  batchSize: number;
  threads: number;
  seed: number;
  augment: AugmentMode;
  normalization: Normalization;
  backend?: 'wasm' | 'cpu';
  /** Model directory (model.json, weights, metrics.json, checkpoint/); none = nothing saved. */
  outDir?: string;
  /** Also write model.h5 (Keras) into outDir; default DEFAULTS.saveH5. */
  h5?: boolean;
  /** Start from these weights instead of a seeded initialization (fine-tuning, `train --init-from`). */
  initialWeights?: Float32Array;
  /** With initialWeights: Adam's state to continue with (a model.h5's optimizer_weights); default fresh. */
  initialAdam?: AdamState;
  /** State to continue from (loadCheckpoint). */
  resume?: Checkpoint;
  /** Stored in checkpoints so a resume can restore them. */
  options?: Record<string, unknown>;
  signal?: AbortSignal;
  onEpochStart?: (epoch: number, steps: number, startStep: number) => void;
  onProgress?: (epoch: number, p: ProgressInfo) => void;
  onEpochEnd?: (r: EpochRecord) => void;
}

export interface RunTrainingResult {
  testLoss: number;
  testAccuracy: number;
  epochs: EpochRecord[];
  modelDir: string | null;
  checkpointDir: string | null;
  backend: string;
  threads: number;
  seed: number;
  /** Stopped by the signal: a checkpoint was saved (if outDir), no test evaluation or model. */
  interrupted: boolean;
}

export async function runTraining(o: RunTrainingOptions): Promise<RunTrainingResult> {
  const epochs = checkPositiveInt('epochs', o.epochs, '--epochs');
  const batchSize = checkPositiveInt('batch size', o.batchSize, '--batch-size');
  if (o.train.n === 0) throw new UsageError('no training samples: the data set (after --limit and --validation-split) is empty');
  const start: Pick<CheckpointState, 'epoch' | 'step' | 'partial' | 'history'> = o.resume?.state ?? {
    epoch: 0, step: 0, partial: { ...NO_SUMS }, history: [],
  };
  if (start.epoch > epochs || (start.epoch === epochs && start.step > 0)) {
    throw new UsageError(`the checkpoint is at epoch ${start.epoch + 1} but --epochs is ${epochs}; pass a larger --epochs to continue`);
  }
  const trainer = await Trainer.create({ spec: o.spec, threads: o.threads, batchSize, backend: o.backend });
  const checkpointDir = o.outDir ? join(o.outDir, CHECKPOINT_DIR) : null;
  const history = [...start.history];
  try {
    if (o.resume) trainer.setWeights(o.resume.weights);
    else if (o.initialWeights) trainer.setWeights(o.initialWeights);
    else trainer.initWeights(o.seed);
    trainer.setAdam(o.resume ? o.resume.adam : o.initialWeights ? o.initialAdam : undefined);
    const save = async (epoch: number, step: number, partial: CheckpointState['partial']) => {
      if (!checkpointDir) return;
      await saveCheckpoint(checkpointDir, {
        weights: trainer.getWeights(), adam: trainer.getAdam(),
        state: {
          format: 'tensorpool-checkpoint', version: 1, spec: o.spec, total: trainer.total, epoch, step,
          adamStep: trainer.adamStep, partial, history, options: o.options ?? {},
        },
      });
    };
    for (let epoch = start.epoch; epoch < epochs; epoch++) {
      const startStep = epoch === start.epoch ? start.step : 0;
      const prior = epoch === start.epoch ? start.partial : { ...NO_SUMS };
      const steps = Math.ceil(o.train.n / batchSize);
      o.onEpochStart?.(epoch, steps, startStep);
      let r;
      try {
        r = await trainer.runEpoch({
          train: o.train, epoch, seed: o.seed, batchSize, augment: o.augment, normalization: o.normalization,
          startStep, signal: o.signal, onProgress: o.onProgress && ((p) => o.onProgress!(epoch, p)),
        });
      } catch (e) {
        if (e instanceof TrainingError && checkpointDir) e.message += `; last good state in ${checkpointDir}`;
        throw e;
      }
      const partial = addSums(prior, r);
      if (r.interrupted) {
        await save(epoch, r.stepsDone, partial);
        return { testLoss: NaN, testAccuracy: NaN, epochs: history, modelDir: null, checkpointDir, backend: trainer.backend, threads: trainer.threads, seed: o.seed, interrupted: true };
      }
      const val = o.validation && o.validation.n > 0 ? await trainer.evaluate(o.validation, { normalization: o.normalization }) : null;
      const { loss, accuracy, imagesPerSecond } = epochMeans(partial);
      const rec: EpochRecord = {
        epoch: epoch + 1,
        loss,
        accuracy,
        valLoss: val ? val.loss : null,
        valAccuracy: val ? val.accuracy : null,
        seconds: partial.seconds,
        imagesPerSecond,
      };
      history.push(rec);
      await save(epoch + 1, 0, { ...NO_SUMS });
      o.onEpochEnd?.(rec);
    }
    const test = await trainer.evaluate(o.test, { normalization: o.normalization });
    let modelDir: string | null = null;
    if (o.outDir) {
      await saveModelDir(o.outDir, {
        spec: o.spec, weights: trainer.getWeights(), adam: trainer.getAdam(), normalization: o.normalization, h5: o.h5,
        metrics: { ...testMetrics(o.spec.labels, test), history },
      });
      await saveSamples(o.outDir, { set: o.test, labels: o.spec.labels, test, normalization: o.normalization, predict: (x, n) => trainer.predict(x, n) });
      modelDir = o.outDir;
    }
    return { testLoss: test.loss, testAccuracy: test.accuracy, epochs: history, modelDir, checkpointDir, backend: trainer.backend, threads: trainer.threads, seed: o.seed, interrupted: false };
  } finally {
    await trainer.close();
  }
}
