/**
 * Inference over a TrainerCore's pool with its current weights: evaluation
 * (loss, accuracy, predicted classes) and softmax probabilities. Inputs go
 * through the shared input buffers, [capacity, h, w, c] each; while the pool
 * works on one buffer this thread fills the other.
 */
import { INPUT_BUFFERS, UsageError, type ImageSet, type SampleStats } from '@tensorpool/core';
import type { Normalization } from '@tensorpool/preprocessing';
import { fillBuffer, type BatchSource } from './batcher.js';
import { splitEven } from './split.js';
import type { TrainerCore } from './trainer-core.js';
import type { EvalResult } from './types.js';

/** Loss, accuracy and predictions of the current weights on `set` (all samples, or `indices`; set already checked). */
export async function evaluateOn(core: TrainerCore, set: ImageSet, opts: { normalization: Normalization; indices?: Int32Array }): Promise<EvalResult> {
  const idx = opts.indices ?? Int32Array.from({ length: set.n }, (_, i) => i);
  const t0 = performance.now();
  const predictions = new Int32Array(idx.length);
  const labels = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) labels[i] = set.labels[idx[i]];
  const src: BatchSource = { set, normalization: opts.normalization, augment: 'none', seed: 0, epoch: 0 };
  const per = core.capacity;
  const chunks = Math.ceil(idx.length / per);
  let lossSum = 0;
  let correct = 0;
  let buf = 0;
  if (chunks > 0) fillBuffer(core.views, buf, src, idx.subarray(0, per));
  for (let c = 0; c < chunks; c++) {
    const from = c * per;
    const n = Math.min(per, idx.length - from);
    const parts = splitEven(n, Math.ceil(n / core.chunk)).filter((p) => p.count > 0);
    const pending = core.pool.all(parts.map((p) => ({ kind: 'evaluate' as const, buffer: buf, start: p.start, count: p.count, weightsVersion: core.version })));
    if (c + 1 < chunks) fillBuffer(core.views, (buf + 1) % INPUT_BUFFERS, src, idx.subarray(from + per, Math.min(idx.length, from + 2 * per)));
    const stats = (await pending) as SampleStats[];
    for (const r of stats) {
      lossSum += r.lossSum;
      correct += r.correct;
    }
    predictions.set(core.views.predictions.subarray(0, n), from);
    buf = (buf + 1) % INPUT_BUFFERS;
  }
  const count = idx.length;
  return { loss: count ? lossSum / count : NaN, accuracy: count ? correct / count : NaN, count, predictions, labels, seconds: (performance.now() - t0) / 1000 };
}

/** Softmax probabilities [n, classes] of already-normalized inputs x [n, h, w, c]. */
export async function predictOn(core: TrainerCore, x: Float32Array, n: number): Promise<Float32Array> {
  if (x.length < n * core.sampleSize) throw new UsageError(`predict: x has ${x.length} values, needs ${n} x ${core.spec.inputShape.join('x')}`);
  const classes = core.spec.labels.length;
  const out = new Float32Array(n * classes);
  for (let from = 0; from < n; from += core.capacity) {
    const m = Math.min(core.capacity, n - from);
    core.views.inputs[0].set(x.subarray(from * core.sampleSize, (from + m) * core.sampleSize));
    const parts = splitEven(m, Math.min(core.threads, m)).filter((p) => p.count > 0);
    await core.pool.all(parts.map((p) => ({ kind: 'predict' as const, buffer: 0, start: p.start, count: p.count, weightsVersion: core.version })));
    out.set(core.views.probabilities.subarray(0, m * classes), from * classes);
  }
  return out;
}
