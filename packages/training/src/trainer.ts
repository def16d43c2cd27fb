/**
 * Synchronous data-parallel training on a pool of T threads, one replica each.
 *
 * One optimizer step: the global batch (B samples, prepared in input buffer b)
 * is cut into T micro-batches; thread k writes the SUMMED gradient of its
 * micro-batch into grads[k]. Then T 'reduceAdam' tasks each take a parameter
 * slice: g = (grads[0] + ... + grads[T-1]) / B and one Adam step on the shared
 * W, m, v. Every replica copies W into its variables before its next task
 * (weightsVersion), so all replicas hold identical weights at every step.
 * With no more micro-batches than threads both phases run in one round trip:
 * each gradient task meets the others at a shared-memory barrier and then
 * does its reduce/Adam slice (./fused-step.ts).
 * While the pool computes step s the trainer thread fills buffer 1-b with
 * batch s+1 (gather, augment, normalize).
 */
import { availableParallelism } from 'node:os';
import { DEFAULTS, INPUT_BUFFERS, TrainingError, UsageError, type ReduceAdamTask, type SampleStats } from '@tensorpool/core';
import { ADAM_DEFAULTS, initialWeights, weightManifest, type AdamOptions, type ModelSpec } from '@tensorpool/engine';
import { epochOrder, type ImageSet } from '@tensorpool/data';
import type { Normalization } from '@tensorpool/preprocessing';
import { allocateBuffers, paramSlices, viewsOf, type SharedViews } from './shared-state.js';
import { ThreadPool, type TrainingThreadInit } from './pool.js';
import { controlBytes, StepControl, type FusedGradientsTask, type ThreadFault } from './fused-step.js';
import { fillBuffer, type BatchSource } from './batcher.js';
import { splitEven } from './split.js';
import type { AdamState, EpochOptions, EpochResult, EvalResult, TrainEpochResult } from './types.js';

export interface TrainerOptions {
  spec: ModelSpec;
  /** Gradient threads (default: available cores). */
  threads?: number;
  /** Largest global batch this trainer will see (default DEFAULTS.batchSize). */
  batchSize?: number;
  backend?: 'wasm' | 'cpu';
  adam?: Partial<AdamOptions>;
  /**
   * Micro-batches per global batch (default: threads). More than the thread
   * count lets a thread that finishes early take another one (load balance on
   * shared cores); costs one gradient slot (4 x params bytes) each.
   */
  microBatches?: number;
}

export function checkPositiveInt(name: string, v: number, flag = name): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new UsageError(`${flag} must be a positive integer, got ${v}`);
  return v;
}

export function defaultThreads(): number {
  return availableParallelism();
}

/** Samples per evaluate/predict task: big enough to amortize a task, small enough for seed-sized activations. */
function evalChunk(sampleSize: number, batchSize: number): number {
  return Math.max(batchSize, sampleSize > 4096 ? 32 : 256);
}

export class Trainer {
  readonly spec: ModelSpec;
  readonly threads: number;
  readonly batchSize: number;
  readonly microBatches: number;
  readonly total: number;
  readonly adamOptions: AdamOptions;
  /** Backend the threads run on (known after create()). */
  backend = '';
  /** Optimizer steps taken so far (Adam's t of the last update). */
  adamStep = 0;
  private readonly views: SharedViews;
  private readonly pool: ThreadPool;
  private readonly capacity: number;
  private readonly chunk: number;
  private readonly sampleSize: number;
  private readonly control: StepControl;
  private version = 0;
  private closed = false;
  /** Why this trainer is broken (a gradient thread failed mid-step), if it is. */
  private failure?: string;

  private constructor(opts: TrainerOptions) {
    this.spec = opts.spec;
    this.threads = checkPositiveInt('threads', opts.threads ?? defaultThreads(), '--threads');
    this.batchSize = checkPositiveInt('batch size', opts.batchSize ?? DEFAULTS.batchSize, '--batch-size');
    this.microBatches = checkPositiveInt('microBatches', opts.microBatches ?? this.threads);
    this.adamOptions = { ...ADAM_DEFAULTS, ...opts.adam };
    this.total = weightManifest(this.spec).total;
    const [h, w, c] = this.spec.inputShape;
    this.sampleSize = h * w * c;
    this.chunk = evalChunk(this.sampleSize, 1);
    this.capacity = Math.max(this.batchSize, this.chunk * this.threads);
    const classes = this.spec.labels.length;
    const buffers = allocateBuffers(this.total, this.microBatches, this.capacity, this.sampleSize, classes);
    this.views = viewsOf(buffers, this.total);
    const control = new SharedArrayBuffer(controlBytes(this.microBatches));
    this.control = new StepControl(control, this.microBatches);
    const init: TrainingThreadInit<ModelSpec> = { spec: this.spec, backend: opts.backend ?? DEFAULTS.backend, total: this.total, capacity: this.capacity, classes, buffers, control };
    this.pool = new ThreadPool(init, this.threads);
  }

  /** Starts the pool and builds every replica; weights start at zero until setWeights. */
  static async create(opts: TrainerOptions): Promise<Trainer> {
    const t = new Trainer(opts);
    try {
      t.backend = await t.pool.warmup();
    } catch (e) {
      await t.close();
      throw e;
    }
    return t;
  }

  setWeights(weights: Float32Array): void {
    if (weights.length !== this.total) throw new UsageError(`weights have ${weights.length} values but model '${this.spec.name}' needs ${this.total}`);
    this.views.weights.set(weights);
    this.version++;
  }

  /** Initial weights of `seed` (engine initialWeights), drawn straight into shared memory. */
  initWeights(seed: number): void {
    initialWeights(this.spec, seed, this.views.weights);
    this.version++;
  }

  /** Adam state to continue from; undefined = fresh (zeros, step 0). */
  setAdam(adam?: AdamState): void {
    if (!adam) {
      this.views.adamM.fill(0);
      this.views.adamV.fill(0);
      this.adamStep = 0;
      return;
    }
    if (adam.m.length !== this.total || adam.v.length !== this.total) throw new UsageError(`adam m/v have ${adam.m.length}/${adam.v.length} values, model needs ${this.total}`);
    if (!Number.isSafeInteger(adam.step) || adam.step < 0) throw new UsageError(`adam step must be a non-negative integer, got ${adam.step}`);
    this.views.adamM.set(adam.m);
    this.views.adamV.set(adam.v);
    this.adamStep = adam.step;
  }

  /** Copies of the current weights and optimizer state. */
  getWeights(): Float32Array {
    return this.views.weights.slice();
  }

  getAdam(): AdamState {
    return { m: this.views.adamM.slice(), v: this.views.adamV.slice(), step: this.adamStep };
  }

  /** The visiting order of an epoch: `indices` (default 0..n-1) permuted by epochOrder. */
  static epochSamples(n: number, indices: Int32Array | undefined, seed: number, epoch: number): Int32Array {
    const perm = epochOrder(indices ? indices.length : n, seed, epoch);
    if (!indices) return perm;
    const out = new Int32Array(perm.length);
    for (let i = 0; i < perm.length; i++) out[i] = indices[perm[i]];
    return out;
  }

  /** One epoch (or its remainder from opts.startStep) from the current state. */
  async runEpoch(opts: EpochOptions): Promise<EpochResult> {
    this.checkOpen();
    const B = checkPositiveInt('batch size', opts.batchSize, '--batch-size');
    if (B > this.batchSize) throw new UsageError(`batch size ${B} exceeds this trainer's ${this.batchSize}; create the Trainer with batchSize >= ${B}`);
    checkSet(opts.train, this.spec);
    const order = Trainer.epochSamples(opts.train.n, opts.indices, opts.seed, opts.epoch);
    const steps = Math.ceil(order.length / B);
    const startStep = opts.startStep ?? 0;
    const endStep = Math.min(steps, opts.endStep ?? steps);
    const src: BatchSource = { set: opts.train, normalization: opts.normalization, augment: opts.augment, seed: opts.seed, epoch: opts.epoch };
    const batchAt = (s: number) => order.subarray(s * B, Math.min(order.length, (s + 1) * B));
    const slices = paramSlices(this.total, this.threads);
    const t0 = performance.now();
    let lossSum = 0;
    let correct = 0;
    let samples = 0;
    let stepsDone = startStep;
    let interrupted = false;
    let buf = 0;
    if (startStep < endStep) fillBuffer(this.views, buf, src, batchAt(startStep));
    for (let s = startStep; s < endStep; s++) {
      if (opts.signal?.aborted) {
        interrupted = true;
        break;
      }
      const n = batchAt(s).length;
      const t = this.adamStep + 1;
      const { tasks, fused, adamOf } = this.stepTasks(n, t, buf, opts, opts.testFault?.step === s + 1 - startStep ? opts.testFault.how : undefined);
      const pending = this.gradientStep(tasks, fused, opts.epoch, s);
      // Overlap: prepare the next batch while the threads compute this one.
      if (s + 1 < endStep) fillBuffer(this.views, (buf + 1) % INPUT_BUFFERS, src, batchAt(s + 1));
      const stats = await pending;
      const stepLoss = stats.reduce((a, r) => a + r.lossSum, 0);
      // A non-finite loss: the fused threads skipped Adam, so the weights are those before this step.
      if (!Number.isFinite(stepLoss)) {
        throw new TrainingError(`loss is ${stepLoss} at epoch ${opts.epoch + 1} step ${s + 1}; training diverged (try a smaller learning rate or check the data)`);
      }
      if (!fused) {
        const adamTasks: ReduceAdamTask[] = slices.map(([start, end]) => ({ kind: 'reduceAdam', ...adamOf(start, end) }));
        await this.pool.all(adamTasks).catch((e: unknown) => {
          throw this.broke(e, opts.epoch, s);
        });
      }
      this.adamStep = t;
      this.version++;
      lossSum += stepLoss;
      correct += stats.reduce((a, r) => a + r.correct, 0);
      samples += n;
      stepsDone = s + 1;
      buf = (buf + 1) % INPUT_BUFFERS;
      const seconds = (performance.now() - t0) / 1000;
      const hook = opts.onProgress?.({ step: s + 1, steps, loss: lossSum / samples, accuracy: correct / samples, imagesPerSecond: samples / Math.max(seconds, 1e-9) });
      if (hook) await hook;
    }
    const seconds = (performance.now() - t0) / 1000;
    return {
      samples, lossSum, correct, seconds, steps, stepsDone, interrupted,
      loss: samples ? lossSum / samples : NaN,
      accuracy: samples ? correct / samples : NaN,
      imagesPerSecond: samples / Math.max(seconds, 1e-9),
    };
  }

  /**
   * The gradient tasks of one step of n samples (Adam step t, input buffer buf).
   * With no more micro-batches than threads they are fused (./fused-step.ts).
   */
  private stepTasks(n: number, t: number, buf: number, opts: EpochOptions, fault?: ThreadFault) {
    const parts = splitEven(n, this.microBatches).filter((p) => p.count > 0);
    const adamOf = (start: number, end: number) => ({ start, end, slots: parts.length, scale: 1 / n, step: t, ...this.adamOptions });
    const fused = parts.length <= this.threads;
    const fusedSlices = fused ? paramSlices(this.total, parts.length) : [];
    const tasks: FusedGradientsTask[] = parts.map((p, k) => ({
      kind: 'gradients', slot: k, buffer: buf, start: p.start, count: p.count, weightsVersion: this.version,
      training: true, seed: opts.seed, epoch: opts.epoch,
      adam: fused ? { ...adamOf(...(fusedSlices[k] ?? [0, 0])), parties: parts.length } : undefined,
      ...(fault && k === parts.length - 1 ? { fault } : {}),
    }));
    return { tasks, fused, adamOf };
  }

  /**
   * Posts a step's gradient tasks (synchronously, before the first await) and
   * waits for ALL of them to settle. The first failure aborts the barrier so
   * the tasks waiting there fail at once; the step is then not counted and
   * this trainer is broken: its shared weights/moments may be half updated and
   * its pool lost a thread, so it refuses further work (callers drop it).
   */
  private async gradientStep(tasks: FusedGradientsTask[], fused: boolean, epoch: number, s: number): Promise<SampleStats[]> {
    if (fused) this.control.reset();
    let first: unknown;
    const runs = tasks.map((task) => this.pool.run(task).catch((e: unknown) => {
      if (first === undefined) {
        first = e;
        if (fused) this.control.abort();
      }
      throw e;
    }));
    const settled = await Promise.allSettled(runs);
    if (first !== undefined) throw this.broke(first, epoch, s);
    return settled.map((r) => (r as PromiseFulfilledResult<SampleStats>).value);
  }

  /** Marks this trainer broken after a thread failure in step s; returns the error to throw. */
  private broke(e: unknown, epoch: number, s: number): TrainingError {
    this.failure = `a gradient thread failed at epoch ${epoch + 1} step ${s + 1}: ${e instanceof Error ? e.message : String(e)}`;
    return new TrainingError(this.failure, { cause: e });
  }

  /** Sets weights (and Adam state, fresh if absent), runs one epoch (or its chunk [startStep, endStep)), returns copies of the new state. */
  async trainEpoch(opts: EpochOptions & { weights: Float32Array; adam?: AdamState }): Promise<TrainEpochResult> {
    this.setWeights(opts.weights);
    this.setAdam(opts.adam);
    const r = await this.runEpoch(opts);
    if (r.interrupted) throw new TrainingError(`training interrupted at epoch ${opts.epoch + 1} step ${r.stepsDone + 1} of ${r.steps}`);
    return { weights: this.getWeights(), adam: this.getAdam(), samples: r.samples, loss: r.loss, accuracy: r.accuracy, seconds: r.seconds };
  }

  /** Loss, accuracy and predictions of the current weights on `set` (all samples, or `indices`), over the pool. */
  async evaluate(set: ImageSet, opts: { normalization: Normalization; indices?: Int32Array }): Promise<EvalResult> {
    this.checkOpen();
    checkSet(set, this.spec);
    const idx = opts.indices ?? Int32Array.from({ length: set.n }, (_, i) => i);
    const t0 = performance.now();
    const predictions = new Int32Array(idx.length);
    const labels = new Int32Array(idx.length);
    for (let i = 0; i < idx.length; i++) labels[i] = set.labels[idx[i]];
    const src: BatchSource = { set, normalization: opts.normalization, augment: 'none', seed: 0, epoch: 0 };
    const per = this.capacity;
    const chunks = Math.ceil(idx.length / per);
    let lossSum = 0;
    let correct = 0;
    let buf = 0;
    if (chunks > 0) fillBuffer(this.views, buf, src, idx.subarray(0, per));
    for (let c = 0; c < chunks; c++) {
      const from = c * per;
      const n = Math.min(per, idx.length - from);
      const parts = splitEven(n, Math.ceil(n / this.chunk)).filter((p) => p.count > 0);
      const pending = this.pool.all(parts.map((p) => ({ kind: 'evaluate' as const, buffer: buf, start: p.start, count: p.count, weightsVersion: this.version })));
      if (c + 1 < chunks) fillBuffer(this.views, (buf + 1) % INPUT_BUFFERS, src, idx.subarray(from + per, Math.min(idx.length, from + 2 * per)));
      const stats = (await pending) as SampleStats[];
      for (const r of stats) {
        lossSum += r.lossSum;
        correct += r.correct;
      }
      predictions.set(this.views.predictions.subarray(0, n), from);
      buf = (buf + 1) % INPUT_BUFFERS;
    }
    const count = idx.length;
    return { loss: count ? lossSum / count : NaN, accuracy: count ? correct / count : NaN, count, predictions, labels, seconds: (performance.now() - t0) / 1000 };
  }

  /** Softmax probabilities [n, classes] of already-normalized inputs x [n, h, w, c]. */
  async predict(x: Float32Array, n: number): Promise<Float32Array> {
    this.checkOpen();
    if (x.length < n * this.sampleSize) throw new UsageError(`predict: x has ${x.length} values, needs ${n} x ${this.spec.inputShape.join('x')}`);
    const classes = this.spec.labels.length;
    const out = new Float32Array(n * classes);
    for (let from = 0; from < n; from += this.capacity) {
      const m = Math.min(this.capacity, n - from);
      this.views.inputs[0].set(x.subarray(from * this.sampleSize, (from + m) * this.sampleSize));
      const parts = splitEven(m, Math.min(this.threads, m)).filter((p) => p.count > 0);
      await this.pool.all(parts.map((p) => ({ kind: 'predict' as const, buffer: 0, start: p.start, count: p.count, weightsVersion: this.version })));
      out.set(this.views.probabilities.subarray(0, m * classes), from * classes);
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
  }

  /** False once a gradient thread failed mid-step: the trainer refuses further work and should be closed. */
  get healthy(): boolean {
    return !this.closed && this.failure === undefined;
  }

  private checkOpen(): void {
    if (this.closed) throw new UsageError('this Trainer was closed');
    if (this.failure !== undefined) throw new TrainingError(`this Trainer is broken (${this.failure}); close it and create a new one`);
  }
}

function checkSet(set: ImageSet, spec: ModelSpec): void {
  const [h, w, c] = spec.inputShape;
  if (set.shape[0] !== h || set.shape[1] !== w || set.shape[2] !== c) {
    throw new UsageError(`images are ${set.shape.join('x')} but model '${spec.name}' expects ${h}x${w}x${c}; use a matching --preset or resize the data`);
  }
  const max = Math.max(0, ...Array.from(new Set(set.labels)));
  if (set.n > 0 && max >= spec.labels.length) {
    throw new UsageError(`data has class index ${max} but model '${spec.name}' has ${spec.labels.length} classes`);
  }
}
