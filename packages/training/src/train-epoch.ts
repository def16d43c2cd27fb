/**
 * One-shot library calls for callers that do not keep a Trainer (the
 * distributed worker's "one epoch over these indices from these weights").
 */
import type { ModelSpec } from '@tensorpool/engine';
import type { ImageSet } from '@tensorpool/data';
import type { Normalization } from '@tensorpool/preprocessing';
import { Trainer } from './trainer.js';
import type { EvalResult, TrainEpochOptions, TrainEpochResult } from './types.js';

/** One local epoch over `indices` from the given weights/optimizer state; returns the new ones. */
export async function trainEpoch(opts: TrainEpochOptions): Promise<TrainEpochResult> {
  const trainer = await Trainer.create({ spec: opts.spec, threads: opts.threads, batchSize: opts.batchSize, backend: opts.backend });
  try {
    return await trainer.trainEpoch(opts);
  } finally {
    await trainer.close();
  }
}

/** Loss, accuracy and predictions of `weights` on `set` (or its `indices`). */
export async function evaluate(opts: {
  spec: ModelSpec; weights: Float32Array; set: ImageSet; normalization: Normalization;
  indices?: Int32Array; threads?: number; backend?: 'wasm' | 'cpu';
}): Promise<EvalResult> {
  const trainer = await Trainer.create({ spec: opts.spec, threads: opts.threads, backend: opts.backend });
  try {
    trainer.setWeights(opts.weights);
    return await trainer.evaluate(opts.set, { normalization: opts.normalization, indices: opts.indices });
  } finally {
    await trainer.close();
  }
}
