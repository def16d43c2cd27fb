/**
 * Datasets by reference, loaded once per process and shared by every job
 * that names the same data (location, image shape, classes). `limit` and
 * `testLimit` are zero-copy views of the cached set, so jobs that differ
 * only in them share one copy. The cache is an LRU bounded in bytes
 * (DEFAULTS.limits.datasetCacheBytes): a long-lived worker or coordinator
 * holds at most that much decoded data, however many datasets it has seen.
 *
 * References resolve in data-ref.ts, which confines paths to this
 * process's data root (realpath) before anything is opened; store ids and
 * names load through the dataset cache given (the worker's or coordinator's
 * `openDatasetCache`, a verified on-disk cache in front of the store), keyed
 * here by id, so a dataset is decoded into memory once per process.
 */
import { limits } from '@tensorpool/core';
import { head, type DatasetSplits } from '@tensorpool/data';
import type { DatasetCache as DiskCache } from '@tensorpool/datasets';
import { locateDataRef } from './data-ref.js';
import { LruCache } from './lru.js';
import type { JobOptions } from './schema.js';

export type DatasetRequest = Pick<JobOptions, 'data' | 'limit' | 'testLimit' | 'spec'>;

function bytesOf(d: DatasetSplits): number {
  return d.train.images.byteLength + d.train.labels.byteLength + d.test.images.byteLength + d.test.labels.byteLength;
}

export class DatasetCache {
  private readonly lru: LruCache<string, Promise<DatasetSplits>>;

  constructor(budgetBytes: number) {
    this.lru = new LruCache(budgetBytes);
  }

  /** The dataset of a job, with its limits applied as views; `root` is this process's data root, `disk` its dataset cache. */
  async get(o: DatasetRequest, root: string | undefined, disk?: DiskCache): Promise<DatasetSplits> {
    const where = await locateDataRef(o.data, root, disk);
    const shape = [...o.spec.inputShape] as [number, number, number];
    const key = JSON.stringify([where.key, shape, o.spec.labels]);
    let p = this.lru.get(key);
    if (!p) {
      p = where.load({ shape, classes: o.spec.labels });
      // Counted as 0 bytes while loading, then at its size (which may evict older sets, or this one if it alone exceeds the budget).
      this.lru.set(key, p, 0);
      const pending = p;
      p.then((d) => {
        if (this.lru.get(key) === pending) this.lru.resize(key, bytesOf(d));
      }, () => {
        if (this.lru.get(key) === pending) this.lru.delete(key);
      });
    }
    const d = await p;
    return {
      ...d,
      train: o.limit !== undefined ? head(d.train, o.limit) : d.train,
      test: o.testLimit !== undefined ? head(d.test, o.testLimit) : d.test,
    };
  }

  /** Cache keys, least recently used first (tests, diagnostics). */
  keys(): string[] {
    return this.lru.keys();
  }

  get bytes(): number {
    return this.lru.usedUnits;
  }
}

let shared: DatasetCache | undefined;

/** The process-wide cache (budget read once from limits()). */
export function datasetFor(o: DatasetRequest, root: string | undefined, disk?: DiskCache): Promise<DatasetSplits> {
  shared ??= new DatasetCache(limits().datasetCacheBytes);
  return shared.get(o, root, disk);
}
