/**
 * The coordinator's evaluation: validation after each epoch and, after the
 * last, the test metrics and the saved model (the same directory format as
 * `tensorpool train`: model.json + weights, metrics.json).
 *
 * After each epoch: the validation hold-out (when the job has a
 * `validationSplit`, see job-splits.ts) and the test split (limited by
 * `testLimit`), reported apart. The last epoch's evaluation is reused for
 * the final test metrics instead of running twice. With the model go a few
 * test images and their predictions, misclassified first (samples.json/.png).
 */
import { limits } from '@tensorpool/core';
import { initBackend } from '@tensorpool/engine';
import type { EvalResult } from '@tensorpool/training';
import { saveModelDir, saveSamples, testMetrics } from '@tensorpool/training';
import type { DatasetCache as DiskCache } from '@tensorpool/datasets';
import { datasetFor } from './datasets.js';
import { jobSplits, resolvedNormalization, validationSet } from './job-splits.js';
import { TrainerCache } from './trainers.js';
import { LruCache } from './lru.js';
import { confinedModelDir } from './out-dir.js';
import type { JobRecord } from './state.js';

/** One evaluation of a job's weights: the validation hold-out (when it has one) and the test split, apart. */
export interface Evaluation {
  validation?: EvalResult;
  test: EvalResult;
}

export class Evaluator {
  private readonly trainers = new TrainerCache();
  private readonly threads?: number;
  private readonly modelsDir: string;
  private readonly dataRoot?: string;
  private backend?: Promise<unknown>;
  /**
   * Last evaluation per job, reused when the same weights are evaluated
   * again (the last epoch's validation is the test evaluation). Released by
   * forget() when a job ends in any state, and capped (LRU) anyway.
   */
  private readonly last = new LruCache<string, { weights: Float32Array; result: Evaluation }>(limits().evaluations);
  private readonly datasets?: DiskCache;
  /** Also write model.h5 next to model.json (default DEFAULTS.saveH5; `coordinator --no-h5`). */
  private readonly h5?: boolean;
  /** Trainers being built ahead of an evaluation (prewarm), awaited before one is taken. */
  private readonly warming = new Set<Promise<void>>();

  constructor(opts: { threads?: number; modelsDir: string; dataRoot?: string; datasets?: DiskCache; h5?: boolean }) {
    this.threads = opts.threads;
    this.h5 = opts.h5;
    this.modelsDir = opts.modelsDir;
    this.dataRoot = opts.dataRoot;
    this.datasets = opts.datasets;
  }

  /**
   * Builds, in the background, the trainer validate() and finish() take for
   * this job, so it is warm when the epoch's last shard is in: built then, a
   * trainer (threads, wasm, replicas) starts on the critical path, between
   * the last shard and the next round (bench/dist-cost.ts measures it).
   */
  prewarm(rec: JobRecord): void {
    const p = this.trainers.acquire(this.trainerKey(rec)).then(({ release }) => release(), () => undefined);
    this.warming.add(p);
    void p.finally(() => this.warming.delete(p));
  }

  /** One trainer per job model: the shard batch (the activation memory the job was checked for; evaluation chunks are sized apart). */
  private trainerKey(rec: JobRecord) {
    const o = rec.options;
    return { spec: o.spec, batchSize: o.shardBatchSize, learningRate: o.learningRate, threads: this.threads };
  }

  /** Drops what is kept for a job (its last evaluation); called when it completes, fails or is cancelled. */
  forget(jobId: string): void {
    this.last.delete(jobId);
  }

  /** Jobs whose last evaluation is held (tests, diagnostics). */
  heldJobs(): string[] {
    return this.last.keys();
  }

  /** The job's dataset (its dataset cache for store ids), as workers load it. */
  dataset(rec: JobRecord) {
    return datasetFor(rec.options, this.dataRoot, this.datasets);
  }

  /** Validation (if the job holds samples out) and test metrics of `weights`. */
  async validate(rec: JobRecord, weights: Float32Array): Promise<Evaluation> {
    const cached = this.last.get(rec.id);
    if (cached && cached.weights.length === weights.length && cached.weights.every((x, i) => x === weights[i])) return cached.result;
    const o = rec.options;
    const normalization = resolvedNormalization(o);
    const data = await this.dataset(rec);
    const validation = validationSet(data, jobSplits(data, o));
    await Promise.all(this.warming);
    const { trainer, release } = await this.trainers.acquire(this.trainerKey(rec));
    try {
      trainer.setWeights(weights);
      const result: Evaluation = {
        ...(validation ? { validation: await trainer.evaluate(validation, { normalization }) } : {}),
        test: await trainer.evaluate(data.test, { normalization }),
      };
      this.last.set(rec.id, { weights, result });
      return result;
    } finally {
      release();
    }
  }

  /** Test metrics of the final weights and the saved model's directory. */
  async finish(rec: JobRecord, weights: Float32Array): Promise<{ metrics: Record<string, unknown>; out: string }> {
    const o = rec.options;
    const { test, validation } = await this.validate(rec, weights);
    this.forget(rec.id);
    // Checked again here, right before writing: inside the models dir, symlinks resolved.
    const out = await confinedModelDir(rec.id, o.out, this.modelsDir);
    const metrics = {
      jobId: rec.id,
      ...testMetrics(o.spec.labels, test),
      ...(validation ? { valLoss: validation.loss, valAccuracy: validation.accuracy, valSamples: validation.count } : {}),
      validationSplit: o.validationSplit,
      normalization: resolvedNormalization(o),
      epochs: o.epochs,
      shards: o.shards,
      optimizer: o.optimizer,
      seed: o.seed,
      modelDir: out,
    };
    // Saving builds a tfjs-layers model on this (main) thread's backend.
    await (this.backend ??= initBackend());
    await saveModelDir(out, { spec: o.spec, weights, normalization: resolvedNormalization(o), metrics, h5: this.h5 });
    // The trainer validate() used, still warm (a different batch would start a new one).
    const { trainer, release } = await this.trainers.acquire(this.trainerKey(rec));
    try {
      trainer.setWeights(weights);
      const data = await this.dataset(rec);
      await saveSamples(out, { set: data.test, labels: o.spec.labels, test, normalization: resolvedNormalization(o), predict: (x, n) => trainer.predict(x, n) });
    } finally {
      release();
    }
    return { metrics, out };
  }

  async close(): Promise<void> {
    // A trainer still being built would otherwise be added after the close and keep its threads.
    await Promise.all(this.warming);
    await this.trainers.close();
  }
}
