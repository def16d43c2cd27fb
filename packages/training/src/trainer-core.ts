/**
 * What a Trainer's parts share: the thread pool, the shared-memory views
 * (weights W, Adam m and v, input buffers, gradient slots, outputs) and the
 * counters that say which weights the replicas must hold. trainer.ts owns it
 * (construction, state in and out, lifecycle); epoch-steps.ts runs optimizer
 * steps on it; inference.ts evaluates and predicts with it.
 */
import { UsageError, type ImageSet } from '@tensorpool/core';
import type { AdamOptions, ModelSpec } from '@tensorpool/engine';
import type { SharedViews } from './shared-state.js';
import type { ThreadPool } from './pool.js';
import type { StepControl } from './fused-step.js';
import type { BatchExchange } from './batch-exchange.js';
import type { SharedGradient } from './shared-gradient.js';

export interface TrainerCore {
  readonly spec: ModelSpec;
  /** Gradient threads T. */
  readonly threads: number;
  /** Micro-batches per global batch (>= T lets early threads take another). */
  readonly microBatches: number;
  /** Number of weights. */
  readonly total: number;
  readonly adamOptions: AdamOptions;
  readonly views: SharedViews;
  readonly pool: ThreadPool;
  /** Barrier of fused steps (./fused-step.ts). */
  readonly control: StepControl;
  /** Batch statistics summed across the parts of a fused step (./batch-exchange.ts). */
  readonly exchange: BatchExchange;
  /** The one gradient slot all tasks of a step add into, when microBatches <= 2 (./shared-gradient.ts); else one slot per micro-batch. */
  readonly gradient?: SharedGradient;
  /** Samples one input buffer holds. */
  readonly capacity: number;
  /** Samples per evaluate task. */
  readonly chunk: number;
  /** h·w·c of one sample. */
  readonly sampleSize: number;
  /** Bumped whenever W changes: every replica copies W into its variables before its next task. */
  version: number;
  /** Optimizer steps taken so far (Adam's t of the last update). */
  adamStep: number;
  /** Why this trainer is broken (a gradient thread failed mid-step), if it is. */
  failure?: string;
}

/** `set` fits `spec`: image shape [h, w, c] and class indices. */
export function checkSet(set: ImageSet, spec: ModelSpec): void {
  const [h, w, c] = spec.inputShape;
  if (set.shape[0] !== h || set.shape[1] !== w || set.shape[2] !== c) {
    throw new UsageError(`images are ${set.shape.join('x')} but model '${spec.name}' expects ${h}x${w}x${c}; use a matching --preset or resize the data`);
  }
  const max = Math.max(0, ...Array.from(new Set(set.labels)));
  if (set.n > 0 && max >= spec.labels.length) {
    throw new UsageError(`data has class index ${max} but model '${spec.name}' has ${spec.labels.length} classes`);
  }
}
