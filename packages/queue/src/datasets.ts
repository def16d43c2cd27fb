/**
 * Datasets by reference, loaded once per process and shared by every job
 * that names the same data (location, image shape, classes). `limit` and
 * `testLimit` select samples by the rule of `train --limit` (limitSamples:
 * per class, by content, so a job and a local run keep the same images); a
 * limited set is a copy of the selected samples, cached apart from the whole
 * set (so each shard does not select again). The cache is an LRU bounded in bytes
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
import { limitSamples, type DatasetSplits } from '@tensorpool/data';
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

  /** The dataset of a job, with its limits applied; `root` is this process's data root, `disk` its dataset cache. */
  async get(o: DatasetRequest, root: string | undefined, disk?: DiskCache): Promise<DatasetSplits> {
    const where = await locateDataRef(o.data, root, disk);
    const shape = [...o.spec.inputShape] as [number, number, number];
    const key = JSON.stringify([where.key, shape, o.spec.labels]);
    const whole = this.cached(key, () => where.load({ shape, classes: o.spec.labels }));
    if (o.limit === undefined && o.testLimit === undefined) return whole;
    return this.cached(JSON.stringify([key, o.limit ?? null, o.testLimit ?? null]), async () => {
      const d = await whole;
      return {
        ...d,
        train: o.limit !== undefined ? limitSamples(d.train, o.limit) : d.train,
        test: o.testLimit !== undefined ? limitSamples(d.test, o.testLimit) : d.test,
      };
    });
  }

  /** The entry under `key`, made by `make` when absent (in flight: shared; failed: forgotten). */
  private cached(key: string, make: () => Promise<DatasetSplits>): Promise<DatasetSplits> {
    let p = this.lru.get(key);
    if (!p) {
      p = make();
      // Counted as 0 bytes while loading, then at its size (which may evict older sets, or this one if it alone exceeds the budget).
      // A limited set counts every split, also one it shares with the whole set: high is the safe side.
      this.lru.set(key, p, 0);
      const pending = p;
      p.then((d) => {
        if (this.lru.get(key) === pending) this.lru.resize(key, bytesOf(d));
      }, () => {
        if (this.lru.get(key) === pending) this.lru.delete(key);
      });
    }
    return p;
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
