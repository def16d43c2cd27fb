/**
 * Step scheduling: one epoch (or its chunk [startStep, endStep)) as a
 * sequence of synchronous data-parallel optimizer steps on a TrainerCore.
 *
 * One optimizer step: the global batch (B samples, prepared in input buffer b)
 * is cut into micro-batches; the thread of slot k writes the SUMMED gradient
 * of its micro-batch into grads[k] (with at most two micro-batches, both add
 * into grads[0] instead: ./shared-gradient.ts). Then T 'reduceAdam' tasks each take a
 * parameter slice: g = (grads[0] + ... + grads[K-1]) / B and one Adam step on
 * the shared W, m, v. With no more micro-batches than threads both phases run
 * in one round trip (./fused-step.ts). While the pool computes step s this
 * thread fills buffer 1-b with batch s+1 (gather, augment, normalize).
 */
import { INPUT_BUFFERS, TrainingError, type ReduceAdamTask, type SampleStats } from '@tensorpool/core';
import { epochOrder } from '@tensorpool/data';
import { paramSlices } from './shared-state.js';
import type { FusedGradientsTask, ThreadFault } from './fused-step.js';
import { fillBuffer, type BatchSource } from './batcher.js';
import { splitEven } from './split.js';
import { epochMeans } from './metrics.js';
import type { TrainerCore } from './trainer-core.js';
import type { EpochOptions, EpochResult } from './types.js';

/** The visiting order of an epoch: `indices` (default 0..n-1) permuted by epochOrder. */
export function epochSamples(n: number, indices: Int32Array | undefined, seed: number, epoch: number): Int32Array {
  const perm = epochOrder(indices ? indices.length : n, seed, epoch);
  if (!indices) return perm;
  const out = new Int32Array(perm.length);
  for (let i = 0; i < perm.length; i++) out[i] = indices[perm[i]];
  return out;
}

/** Runs the steps of one epoch with global batch B (already checked against the trainer's capacity). */
export async function runEpochSteps(core: TrainerCore, B: number, opts: EpochOptions): Promise<EpochResult> {
  const order = epochSamples(opts.train.n, opts.indices, opts.seed, opts.epoch);
  const steps = Math.ceil(order.length / B);
  const startStep = opts.startStep ?? 0;
  const endStep = Math.min(steps, opts.endStep ?? steps);
  const src: BatchSource = { set: opts.train, normalization: opts.normalization, augment: opts.augment, seed: opts.seed, epoch: opts.epoch };
  const batchAt = (s: number) => order.subarray(s * B, Math.min(order.length, (s + 1) * B));
  const slices = paramSlices(core.total, core.threads);
  const t0 = performance.now();
  let lossSum = 0;
  let correct = 0;
  let samples = 0;
  let stepsDone = startStep;
  let interrupted = false;
  let buf = 0;
  if (startStep < endStep) fillBuffer(core.views, buf, src, batchAt(startStep));
  for (let s = startStep; s < endStep; s++) {
    if (opts.signal?.aborted) {
      interrupted = true;
      break;
    }
    const n = batchAt(s).length;
    const t = core.adamStep + 1;
    const { tasks, fused, adamOf } = stepTasks(core, n, t, buf, opts, opts.testFault?.step === s + 1 - startStep ? opts.testFault.how : undefined);
    const pending = gradientStep(core, tasks, fused, opts.epoch, s);
    // Overlap: prepare the next batch while the threads compute this one.
    if (s + 1 < endStep) fillBuffer(core.views, (buf + 1) % INPUT_BUFFERS, src, batchAt(s + 1));
    const stats = await pending;
    const stepLoss = stats.reduce((a, r) => a + r.lossSum, 0);
    // A non-finite loss: the fused threads skipped Adam, so the weights are those before this step.
    if (!Number.isFinite(stepLoss)) {
      throw new TrainingError(`loss is ${stepLoss} at epoch ${opts.epoch + 1} step ${s + 1}; training diverged (try a smaller learning rate or check the data)`);
    }
    if (!fused) {
      const adamTasks: ReduceAdamTask[] = slices.map(([start, end]) => ({ kind: 'reduceAdam', ...adamOf(start, end) }));
      await core.pool.all(adamTasks).catch((e: unknown) => {
        throw broke(core, e, opts.epoch, s);
      });
    }
    core.adamStep = t;
    core.version++;
    lossSum += stepLoss;
    correct += stats.reduce((a, r) => a + r.correct, 0);
    samples += n;
    stepsDone = s + 1;
    buf = (buf + 1) % INPUT_BUFFERS;
    const seconds = (performance.now() - t0) / 1000;
    const hook = opts.onProgress?.({ step: s + 1, steps, loss: lossSum / samples, accuracy: correct / samples, imagesPerSecond: samples / Math.max(seconds, 1e-9) });
    if (hook) await hook;
  }
  const sums = { lossSum, correct, samples, seconds: (performance.now() - t0) / 1000 };
  return { ...sums, steps, stepsDone, interrupted, ...epochMeans(sums) };
}

/**
 * The gradient tasks of one step of n samples (Adam step t, input buffer buf).
 * With no more micro-batches than threads they are fused (./fused-step.ts).
 */
function stepTasks(core: TrainerCore, n: number, t: number, buf: number, opts: EpochOptions, fault?: ThreadFault) {
  const parts = splitEven(n, core.microBatches).filter((p) => p.count > 0);
  // A shared slot arrives reduced and scaled: the reduce has nothing left to do (slots 1, scale 1).
  const shared = core.gradient ? { parties: parts.length, scale: 1 / n } : undefined;
  const adamOf = (start: number, end: number) => ({ start, end, slots: shared ? 1 : parts.length, scale: shared ? 1 : 1 / n, step: t, ...core.adamOptions });
  const fused = parts.length <= core.threads;
  const fusedSlices = fused ? paramSlices(core.total, parts.length) : [];
  const tasks: FusedGradientsTask[] = parts.map((p, k) => ({
    kind: 'gradients', slot: k, buffer: buf, start: p.start, count: p.count, weightsVersion: core.version,
    training: true, seed: opts.seed, epoch: opts.epoch,
    adam: fused ? { ...adamOf(...(fusedSlices[k] ?? [0, 0])), parties: parts.length } : undefined,
    ...(shared ? { shared } : {}),
    ...(fault && k === parts.length - 1 ? { fault } : {}),
  }));
  return { tasks, fused, adamOf };
}

/**
 * Posts a step's gradient tasks (synchronously, before the first await) and
 * waits for ALL of them to settle. The first failure aborts the barrier so
 * the tasks waiting there fail at once; the step is then not counted and
 * the trainer is broken: its shared weights/moments may be half updated and
 * its pool lost a thread, so it refuses further work (callers drop it).
 */
async function gradientStep(core: TrainerCore, tasks: FusedGradientsTask[], fused: boolean, epoch: number, s: number): Promise<SampleStats[]> {
  if (fused || core.gradient) core.control.reset();
  if (fused) core.exchange.reset();
  core.gradient?.reset();
  let first: unknown;
  const runs = tasks.map((task) => core.pool.run(task).catch((e: unknown) => {
    if (first === undefined) {
      first = e;
      if (fused || core.gradient) core.control.abort();
      if (fused) core.exchange.abort();
      core.gradient?.wake();
    }
    throw e;
  }));
  const settled = await Promise.allSettled(runs);
  if (first !== undefined) throw broke(core, first, epoch, s);
  return settled.map((r) => (r as PromiseFulfilledResult<SampleStats>).value);
}

/** Marks the trainer broken after a thread failure in step s; returns the error to throw. */
function broke(core: TrainerCore, e: unknown, epoch: number, s: number): TrainingError {
  core.failure = `a gradient thread failed at epoch ${epoch + 1} step ${s + 1}: ${e instanceof Error ? e.message : String(e)}`;
  return new TrainingError(core.failure, { cause: e });
}
