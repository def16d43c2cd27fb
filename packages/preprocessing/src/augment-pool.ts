import { DEFAULTS, UsageError, workerPath } from '@tensorpool/core';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { resolveAugmentConfig, type AugmentConfig } from './augment-config.js';
import type { AugmentTask, AugmentWorkerData, ExpandTask } from './augment-worker.js';
import { expandLabels, OFFLINE_FACTOR } from './offline.js';
import { validateNormalization, type Normalization } from './normalization.js';
import { sampleSize, type ImageSet, type ImageShape } from './shape.js';

export interface AugmentPoolOptions {
  /** The source set [N, h, w, c] uint8; shared with the threads once (copied into a SharedArrayBuffer if it is not in one). */
  images: Uint8Array;
  shape: ImageShape;
  /** Online augmentation ranges (AUGMENT_DEFAULTS for missing fields). */
  config?: Partial<AugmentConfig>;
  /** For float32 outputs (default DEFAULTS.normalization). */
  normalization?: Normalization;
  /** Worker threads, >= 1 (default: available cores). */
  threads?: number;
}

/**
 * Augments batches on a Piscina pool. The source set and every output live in
 * SharedArrayBuffers; a task is only (range of the batch, seed, epoch) plus
 * handles to shared memory, so no pixels are copied between threads. Each
 * thread runs the single-thread `augmentBatch` on its slice, and params come
 * from Random(seed, epoch, sampleIndex, salt), so the output is byte for byte
 * the single-thread result whatever the thread count.
 */
export class AugmentPool {
  readonly shape: [number, number, number];
  readonly threads: number;
  readonly config: AugmentConfig;
  readonly normalization: Normalization;
  private readonly size: number;
  private readonly total: number;
  private readonly pool: Piscina;
  private indexBuf = new Int32Array(new SharedArrayBuffer(4 * 256));
  private busy = false;
  private closed = false;

  constructor(opts: AugmentPoolOptions) {
    if (typeof opts !== 'object' || opts === null) throw new UsageError('AugmentPool needs options { images, shape, ... }');
    this.size = sampleSize(opts.shape, 'AugmentPool shape');
    this.shape = [opts.shape[0], opts.shape[1], opts.shape[2]];
    if (!(opts.images instanceof Uint8Array) || opts.images.length === 0 || opts.images.length % this.size !== 0) {
      throw new UsageError(`AugmentPool images must be a non-empty Uint8Array of [N, ${this.shape.join(', ')}] values`);
    }
    this.total = opts.images.length / this.size;
    const threads = opts.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`AugmentPool threads must be an integer >= 1, got ${threads}`);
    this.threads = threads;
    this.config = resolveAugmentConfig(opts.config);
    this.normalization = validateNormalization(opts.normalization ?? DEFAULTS.normalization, this.shape[2]);
    let images = opts.images;
    if (!(images.buffer instanceof SharedArrayBuffer)) {
      images = new Uint8Array(new SharedArrayBuffer(images.length));
      images.set(opts.images);
    }
    const workerData: AugmentWorkerData = {
      images: images.buffer as SharedArrayBuffer, imagesOffset: images.byteOffset, imagesLength: images.length,
      shape: this.shape, config: this.config, normalization: this.normalization,
    };
    this.pool = new Piscina({
      filename: workerPath(import.meta.url, './augment-worker.js'),
      workerData, minThreads: threads, maxThreads: threads, idleTimeout: 60_000,
    });
  }

  /** A uint8 [batch, h, w, c] buffer in shared memory, to reuse across calls. */
  allocateBatch(batch: number): Uint8Array;
  allocateBatch(batch: number, type: 'float32'): Float32Array;
  allocateBatch(batch: number, type: 'uint8' | 'float32' = 'uint8'): Uint8Array | Float32Array {
    const n = batch * this.size;
    return type === 'float32' ? new Float32Array(new SharedArrayBuffer(4 * n)) : new Uint8Array(new SharedArrayBuffer(n));
  }

  /**
   * out[i] = augment(images[indices[i]]) drawn from (seed, epoch, indices[i]);
   * out is uint8 (pixels) or float32 (normalized with `normalization`),
   * [indices.length, h, w, c] in a SharedArrayBuffer (see allocateBatch).
   * One call at a time per pool.
   */
  async run<T extends Uint8Array | Float32Array>(indices: ArrayLike<number>, seed: number, epoch: number, out: T): Promise<T> {
    if (this.closed) throw new UsageError('AugmentPool is closed');
    if (this.busy) throw new UsageError('AugmentPool.run called while a batch is running: await the previous call first');
    if (!(out.buffer instanceof SharedArrayBuffer)) throw new UsageError('AugmentPool.run out must be backed by a SharedArrayBuffer: use allocateBatch()');
    const batch = indices.length;
    if (out.length < batch * this.size) throw new UsageError(`AugmentPool.run out holds ${out.length} values, needs ${batch} x ${this.size}`);
    if (!Number.isInteger(seed) || !Number.isInteger(epoch)) throw new UsageError(`AugmentPool.run seed and epoch must be integers, got ${seed}, ${epoch}`);
    if (this.indexBuf.length < batch) this.indexBuf = new Int32Array(new SharedArrayBuffer(4 * Math.max(batch, 2 * this.indexBuf.length)));
    for (let i = 0; i < batch; i++) {
      const k = indices[i];
      if (!Number.isInteger(k) || k < 0 || k >= this.total) throw new UsageError(`AugmentPool.run indices[${i}] = ${k} is outside the set of ${this.total} images`);
      this.indexBuf[i] = k;
    }
    this.busy = true;
    try {
      const chunks = Math.min(this.threads, batch);
      const tasks: Promise<void>[] = [];
      for (let t = 0; t < chunks; t++) {
        const task: AugmentTask = {
          kind: 'online',
          indices: this.indexBuf.buffer as SharedArrayBuffer,
          from: Math.floor((t * batch) / chunks), to: Math.floor(((t + 1) * batch) / chunks),
          out: out.buffer as SharedArrayBuffer, outOffset: out.byteOffset, float: out instanceof Float32Array,
          seed, epoch,
        };
        tasks.push(this.pool.run(task));
      }
      await Promise.all(tasks);
    } finally {
      this.busy = false;
    }
    return out;
  }

  /**
   * expandOffline on the threads: the pool's images with `labels` become an
   * ImageSet of 18 x N images in the same order as expandOffline, using the
   * pool's config.fill / fillValue; byte for byte the single-thread result.
   */
  async expandOffline(labels: Uint8Array, classes: string[]): Promise<ImageSet> {
    if (this.closed) throw new UsageError('AugmentPool is closed');
    if (this.busy) throw new UsageError('AugmentPool.expandOffline called while a batch is running: await the previous call first');
    if (!(labels instanceof Uint8Array) || labels.length < this.total) throw new UsageError(`AugmentPool.expandOffline needs ${this.total} labels, got ${labels?.length}`);
    const out = new Uint8Array(new SharedArrayBuffer(this.total * OFFLINE_FACTOR * this.size));
    this.busy = true;
    try {
      // Several slices per thread so a slow (shared) core does not hold up the rest.
      const chunks = Math.min(this.total, this.threads * 4);
      const tasks: Promise<void>[] = [];
      for (let t = 0; t < chunks; t++) {
        const task: ExpandTask = {
          kind: 'offline', out: out.buffer as SharedArrayBuffer,
          from: Math.floor((t * this.total) / chunks), to: Math.floor(((t + 1) * this.total) / chunks),
        };
        tasks.push(this.pool.run(task));
      }
      await Promise.all(tasks);
    } finally {
      this.busy = false;
    }
    return { images: out, labels: expandLabels(labels, this.total), n: this.total * OFFLINE_FACTOR, shape: [...this.shape], classes: [...classes] };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.destroy();
  }
}
