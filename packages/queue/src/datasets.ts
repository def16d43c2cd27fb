/**
 * Datasets by reference, loaded once per process and shared by every job
 * that names the same (ref, limits, shape, labels). Workers and coordinator
 * read the same files (the standard dataset by name, or a shared volume).
 */
import { loadDataset, type DatasetSplits } from '@tensorpool/data';
import type { JobOptions } from './schema.js';

const cache = new Map<string, Promise<DatasetSplits>>();

export function datasetFor(o: Pick<JobOptions, 'data' | 'limit' | 'testLimit' | 'spec' | 'seed'>): Promise<DatasetSplits> {
  const opts = {
    ...(o.limit !== undefined ? { limit: o.limit } : {}),
    ...(o.testLimit !== undefined ? { testLimit: o.testLimit } : {}),
    shape: [...o.spec.inputShape] as [number, number, number],
    classes: o.spec.labels,
  };
  const key = JSON.stringify([o.data, opts]);
  let p = cache.get(key);
  if (!p) {
    p = loadDataset(o.data, opts);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}
