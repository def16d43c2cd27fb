/**
 * Trainer <-> gradient-thread protocol (Piscina tasks).
 *
 * All bulk data lives in SharedArrayBuffers created once by the trainer and
 * handed to every thread through Piscina's `workerData` (`ThreadInit`). Tasks
 * carry only slot indices, sample offsets and scalars, never arrays, so a task
 * costs one small structured clone whatever the model size. Any thread may run
 * any task: a task names the slot it writes, not the thread.
 *
 * Layout (total = weightManifest(spec).total, capacity = samples per input buffer,
 * sample = h * w * c):
 *   weights            Float32 [total]            the one copy of W every replica reads
 *   adamM, adamV       Float32 [total]            Adam moments, updated in place by slices
 *   grads[slot]        Float32 [total]            summed gradient of one micro-batch
 *   inputs[buffer]     Float32 [capacity, h, w, c] normalized batch (double-buffered: 2)
 *   labels[buffer]     Int32   [capacity]         class index per sample
 *   sampleIds[buffer]  Int32   [capacity]         global sample index (seeds dropout masks)
 *   predictions        Int32   [capacity]         argmax per sample, written by 'evaluate'
 *   probabilities      Float32 [capacity, classes] softmax rows, written by 'predict'
 */

import { BackendError, CorruptRecordError, DataError, JobError, ModelError, TensorpoolError, TrainingError, UsageError, type ErrorCode } from '../errors.js';

export const INPUT_BUFFERS = 2;

export interface ThreadBuffers {
  weights: SharedArrayBuffer;
  adamM: SharedArrayBuffer;
  adamV: SharedArrayBuffer;
  grads: SharedArrayBuffer[];
  inputs: SharedArrayBuffer[];
  labels: SharedArrayBuffer[];
  sampleIds: SharedArrayBuffer[];
  predictions: SharedArrayBuffer;
  probabilities: SharedArrayBuffer;
}

/** Piscina `workerData`: everything a thread needs to build its replica. `Spec` is the engine's ModelSpec. */
export interface ThreadInit<Spec = unknown> {
  spec: Spec;
  /** tfjs backend for the replica ('wasm' or 'cpu'; never 'tensorflow' in a thread). */
  backend: string;
  total: number;
  capacity: number;
  classes: number;
  buffers: ThreadBuffers;
}

/**
 * Each sample-reading task first makes its replica's variables equal to the
 * shared weights if it last loaded an older `weightsVersion` (the trainer bumps
 * the version after every optimizer step and every external weight change).
 */
interface SampleTask {
  /** Input buffer index, 0..INPUT_BUFFERS-1. */
  buffer: number;
  /** First sample of this task within the buffer. */
  start: number;
  count: number;
  weightsVersion: number;
}

/** Summed cross-entropy gradient of samples [start, start+count) of `buffer` into grads[slot]. */
export interface GradientsTask extends SampleTask {
  kind: 'gradients';
  slot: number;
  /** Dropout on; masks drawn per sample from Random(seed, epoch, sampleId, layer). */
  training: boolean;
  seed: number;
  epoch: number;
}

/**
 * For parameters [start, end): g = (grads[0] + ... + grads[slots-1]) * scale,
 * written into grads[0], then one Adam step t on weights/adamM/adamV.
 */
export interface ReduceAdamTask {
  kind: 'reduceAdam';
  start: number;
  end: number;
  slots: number;
  /** 1 / samples in the global batch. */
  scale: number;
  /** 1-based Adam step. */
  step: number;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Loss and accuracy of samples [start, start+count); argmax into predictions[start..]. */
export interface EvaluateTask extends SampleTask {
  kind: 'evaluate';
}

/** Softmax probabilities of samples [start, start+count) into probabilities[start * classes..]. */
export interface PredictTask extends SampleTask {
  kind: 'predict';
}

/** Builds the replica now (so the first step is not slowed by backend start-up). */
export interface WarmupTask {
  kind: 'warmup';
}

export type ThreadTask = GradientsTask | ReduceAdamTask | EvaluateTask | PredictTask | WarmupTask;

/** Result of gradients/evaluate: sums over the task's samples. */
export interface SampleStats {
  lossSum: number;
  correct: number;
  count: number;
}

export interface ThreadResultMap {
  gradients: SampleStats;
  reduceAdam: { done: true };
  evaluate: SampleStats;
  predict: { done: true };
  warmup: { threadId: number; backend: string };
}

export type ThreadResult<K extends ThreadTask['kind']> = ThreadResultMap[K];

/**
 * Errors lose their class crossing a thread (structured clone keeps name and
 * message only), so threads prefix the message with the tensorpool code and
 * the trainer rebuilds the class: `[E_MODEL] weights have ...`.
 */
export function encodeThreadError(e: unknown): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  const out = new Error(typeof code === 'string' && code.startsWith('E_') ? `[${code}] ${err.message}` : err.message);
  out.stack = err.stack;
  return out;
}

export function decodeThreadError(e: unknown): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  const m = /^\[(E_[A-Z]+)\] (.*)$/s.exec(err.message);
  if (!m) return err;
  const Cls = ERROR_CLASSES[m[1]] ?? TensorpoolError;
  const out = Cls === TensorpoolError ? new TensorpoolError(m[1] as ErrorCode, m[2]) : new (Cls as typeof UsageError)(m[2], { cause: err });
  return out;
}

const ERROR_CLASSES: Record<string, typeof TensorpoolError | typeof UsageError> = {
  E_USAGE: UsageError,
  E_DATA: DataError,
  E_BACKEND: BackendError,
  E_MODEL: ModelError,
  E_TRAINING: TrainingError,
  E_JOB: JobError,
  E_CORRUPT: CorruptRecordError,
};
