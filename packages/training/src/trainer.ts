/**
 * Synchronous data-parallel training on a pool of T threads, one replica each:
 * the Trainer builds the pool and the shared memory (./trainer-core.ts), moves
 * weights and Adam state in and out, and checks the arguments of its public
 * methods. The optimizer steps of an epoch are scheduled in ./epoch-steps.ts,
 * evaluation and prediction in ./inference.ts. Every replica copies W into its
 * variables before its next task (weightsVersion), so all replicas hold
 * identical weights at every step.
 */
import { availableParallelism } from 'node:os';
import { checkPositiveInt, DEFAULTS, TrainingError, UsageError } from '@tensorpool/core';
import { ADAM_DEFAULTS, batchSyncWidth, gradientPieces, initialWeights, weightManifest, type AdamOptions, type ModelSpec } from '@tensorpool/engine';
import type { ImageSet } from '@tensorpool/data';
import type { Normalization } from '@tensorpool/preprocessing';
import { allocateBuffers, viewsOf } from './shared-state.js';
import { ThreadPool, type TrainingThreadInit } from './pool.js';
import { controlBytes, StepControl } from './fused-step.js';
import { BatchExchange, exchangeBytes } from './batch-exchange.js';
import { accumulatorBytes, SharedGradient } from './shared-gradient.js';
import { THREAD_REPLICA } from './thread-replica.js';
import { checkSet, type TrainerCore } from './trainer-core.js';
import { epochSamples, runEpochSteps } from './epoch-steps.js';
import { evaluateOn, predictOn } from './inference.js';
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
  private readonly core: TrainerCore;
  private readonly pool: ThreadPool;
  private closed = false;

  private constructor(opts: TrainerOptions) {
    this.spec = opts.spec;
    this.threads = checkPositiveInt('threads', opts.threads ?? defaultThreads(), '--threads');
    this.batchSize = checkPositiveInt('batch size', opts.batchSize ?? DEFAULTS.batchSize, '--batch-size');
    this.microBatches = checkPositiveInt('microBatches', opts.microBatches ?? this.threads);
    // BatchNormalization sums statistics across the parts of a step while they run, so all must run at once.
    const exchangeWidth = batchSyncWidth(this.spec);
    if (exchangeWidth > 0 && this.microBatches > this.threads) {
      throw new UsageError(`microBatches (${this.microBatches}) must not exceed threads (${this.threads}) for a model with BatchNormalization: its batch statistics are exchanged between the parts of a step while they run`);
    }
    this.adamOptions = { ...ADAM_DEFAULTS, ...opts.adam };
    this.total = weightManifest(this.spec).total;
    const [h, w, c] = this.spec.inputShape;
    const sampleSize = h * w * c;
    const chunk = evalChunk(sampleSize, 1);
    const capacity = Math.max(this.batchSize, chunk * this.threads);
    const classes = this.spec.labels.length;
    // Up to two micro-batches add into one shared gradient slot (./shared-gradient.ts), more get one slot each.
    const slots = this.microBatches <= 2 ? 1 : this.microBatches;
    const pieces = gradientPieces(this.spec, THREAD_REPLICA);
    const buffers = allocateBuffers(this.total, slots, capacity, sampleSize, classes);
    const control = new SharedArrayBuffer(controlBytes(this.microBatches) + accumulatorBytes(pieces));
    // Batch statistics are exchanged per micro-batch (one party each), whatever the gradient slots.
    const exchange = new SharedArrayBuffer(exchangeBytes(this.microBatches, exchangeWidth));
    const init: TrainingThreadInit<ModelSpec> = {
      spec: this.spec, backend: opts.backend ?? DEFAULTS.backend, total: this.total, capacity, classes, buffers, control, exchange, exchangeWidth,
      microBatches: this.microBatches, pieces,
    };
    this.pool = new ThreadPool(init, this.threads);
    const step = new StepControl(control, this.microBatches);
    this.core = {
      spec: this.spec, threads: this.threads, microBatches: this.microBatches, total: this.total, adamOptions: this.adamOptions,
      views: viewsOf(buffers, this.total), pool: this.pool, control: step,
      exchange: new BatchExchange(exchange, this.microBatches, exchangeWidth),
      gradient: slots === 1 ? new SharedGradient(control, controlBytes(this.microBatches), pieces, () => step.aborted()) : undefined,
      capacity, chunk, sampleSize, version: 0, adamStep: 0,
    };
  }

  /** Optimizer steps taken so far (Adam's t of the last update). */
  get adamStep(): number {
    return this.core.adamStep;
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
    this.core.views.weights.set(weights);
    this.core.version++;
  }

  /** Initial weights of `seed` (engine initialWeights), drawn straight into shared memory. */
  initWeights(seed: number): void {
    initialWeights(this.spec, seed, this.core.views.weights);
    this.core.version++;
  }

  /** Adam state to continue from; undefined = fresh (zeros, step 0). */
  setAdam(adam?: AdamState): void {
    if (!adam) {
      this.core.views.adamM.fill(0);
      this.core.views.adamV.fill(0);
      this.core.adamStep = 0;
      return;
    }
    if (adam.m.length !== this.total || adam.v.length !== this.total) throw new UsageError(`adam m/v have ${adam.m.length}/${adam.v.length} values, model needs ${this.total}`);
    if (!Number.isSafeInteger(adam.step) || adam.step < 0) throw new UsageError(`adam step must be a non-negative integer, got ${adam.step}`);
    this.core.views.adamM.set(adam.m);
    this.core.views.adamV.set(adam.v);
    this.core.adamStep = adam.step;
  }

  /** Copies of the current weights and optimizer state. */
  getWeights(): Float32Array {
    return this.core.views.weights.slice();
  }

  getAdam(): AdamState {
    return { m: this.core.views.adamM.slice(), v: this.core.views.adamV.slice(), step: this.core.adamStep };
  }

  /** The visiting order of an epoch: `indices` (default 0..n-1) permuted by epochOrder. */
  static epochSamples(n: number, indices: Int32Array | undefined, seed: number, epoch: number): Int32Array {
    return epochSamples(n, indices, seed, epoch);
  }

  /** One epoch (or its remainder from opts.startStep) from the current state. */
  async runEpoch(opts: EpochOptions): Promise<EpochResult> {
    this.checkOpen();
    const B = checkPositiveInt('batch size', opts.batchSize, '--batch-size');
    if (B > this.batchSize) throw new UsageError(`batch size ${B} exceeds this trainer's ${this.batchSize}; create the Trainer with batchSize >= ${B}`);
    checkSet(opts.train, this.spec);
    return runEpochSteps(this.core, B, opts);
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
    return evaluateOn(this.core, set, opts);
  }

  /** Softmax probabilities [n, classes] of already-normalized inputs x [n, h, w, c]. */
  async predict(x: Float32Array, n: number): Promise<Float32Array> {
    this.checkOpen();
    return predictOn(this.core, x, n);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
  }

  /** False once a gradient thread failed mid-step: the trainer refuses further work and should be closed. */
  get healthy(): boolean {
    return !this.closed && this.core.failure === undefined;
  }

  private checkOpen(): void {
    if (this.closed) throw new UsageError('this Trainer was closed');
    if (this.core.failure !== undefined) throw new TrainingError(`this Trainer is broken (${this.core.failure}); close it and create a new one`);
  }
}
