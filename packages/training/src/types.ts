/**
 * Public option and result types of the trainer. The distributed worker
 * (packages/queue) calls `trainEpoch` with these for one shard of one epoch.
 */
import type { ModelSpec } from '@tensorpool/engine';
import type { ImageSet } from '@tensorpool/data';
import type { Normalization } from '@tensorpool/preprocessing';

export type { Normalization };
export type AugmentMode = 'none' | 'online';

/** Adam state on flat vectors; `step` = optimizer steps already taken (the next update uses step + 1). */
export interface AdamState {
  m: Float32Array;
  v: Float32Array;
  step: number;
}

export interface ProgressInfo {
  /** Steps done in this epoch (1-based after the first step). */
  step: number;
  steps: number;
  /** Running mean over the samples of this epoch so far. */
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
}

export interface EpochOptions {
  train: ImageSet;
  /** Sample indices into `train` to visit this epoch (default all); shuffled by epochOrder(indices.length, seed, epoch). */
  indices?: Int32Array;
  epoch: number;
  seed: number;
  batchSize: number;
  augment: AugmentMode;
  normalization: Normalization;
  /** Skip the first steps of the epoch (resume from a mid-epoch checkpoint, or a later chunk of it). */
  startStep?: number;
  /**
   * Stop before this step (default: the epoch's step count). With startStep it
   * selects one chunk [startStep, endStep) of the epoch's visiting order: the
   * distributed worker trains a round's chunk this way, so R chunks in a row
   * see exactly the batches, shuffle and dropout masks of one whole epoch.
   */
  endStep?: number;
  /** Called after every step; a returned promise is awaited before the next step (test hooks pause here). */
  onProgress?: (p: ProgressInfo) => void | Promise<void>;
  /** Aborting stops after the running step; the result then has interrupted = true. */
  signal?: AbortSignal;
  /**
   * Test hook, off by default: at step `step` (1-based, of this call) the last
   * gradient task fails as `how` says once the others wait at the barrier
   * (see ThreadFault in ./fused-step.ts). The epoch then rejects and the
   * trainer is broken (not reusable).
   */
  testFault?: { step: number; how: 'throw' | 'exit' };
}

export interface EpochResult {
  /** Samples trained on in this call. */
  samples: number;
  /** Mean loss and accuracy over those samples. */
  loss: number;
  accuracy: number;
  lossSum: number;
  correct: number;
  seconds: number;
  imagesPerSecond: number;
  /** Steps of the epoch completed (== steps unless interrupted). */
  stepsDone: number;
  steps: number;
  interrupted: boolean;
}

export interface EvalResult {
  loss: number;
  accuracy: number;
  count: number;
  /** Predicted class per evaluated sample, in the order of the given indices. */
  predictions: Int32Array;
  /** True class per evaluated sample. */
  labels: Int32Array;
  seconds: number;
}

export interface TrainEpochOptions extends Omit<EpochOptions, 'startStep'> {
  spec: ModelSpec;
  weights: Float32Array;
  adam?: AdamState;
  /** Worker threads (default: available cores). */
  threads?: number;
  backend?: 'wasm' | 'cpu';
}

export interface TrainEpochResult {
  weights: Float32Array;
  adam: AdamState;
  samples: number;
  loss: number;
  accuracy: number;
  seconds: number;
}
