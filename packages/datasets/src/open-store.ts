/**
 * Picks the dataset store from the environment, the one integration point for
 * the CLI, the API, the coordinator and workers:
 *   TENSORPOOL_DATASET_STORE        unset or "redis" (default): the queue's Redis, under its prefix;
 *                                   "file:///abs/dir": a directory every node mounts
 *   TENSORPOOL_DATASET_STORE_BYTES  budget, e.g. 4GiB (default DEFAULTS.datasetStoreBytes)
 */
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { UsageError } from '@tensorpool/core';
import { FileDatasetStore } from './file-store.js';
import { RedisDatasetStore } from './redis-store.js';
import type { DatasetStore } from './store.js';
import { DatasetCache, type DatasetCacheOptions } from './cache.js';
import { parseBytes } from './units.js';

export interface OpenStoreOptions {
  /** Key prefix of the Redis store (default TENSORPOOL_PREFIX, then DEFAULTS.queuePrefix). */
  prefix?: string;
  /** Overrides TENSORPOOL_DATASET_STORE_BYTES. */
  budgetBytes?: number;
  env?: Record<string, string | undefined>;
}

export function openDatasetStore(redis: Redis, opts: OpenStoreOptions = {}): DatasetStore {
  const env = opts.env ?? process.env;
  const budgetText = env.TENSORPOOL_DATASET_STORE_BYTES;
  const budget = opts.budgetBytes ?? (budgetText ? parseBytes(budgetText, 'TENSORPOOL_DATASET_STORE_BYTES') : undefined);
  const kind = env.TENSORPOOL_DATASET_STORE ?? 'redis';
  if (kind === 'redis') return new RedisDatasetStore(redis, { prefix: opts.prefix ?? env.TENSORPOOL_PREFIX, budgetBytes: budget });
  if (kind.startsWith('file://')) return new FileDatasetStore(fileURLToPath(kind), budget ?? null);
  throw new UsageError(`TENSORPOOL_DATASET_STORE must be 'redis' or a file:///absolute/dir URL, got '${kind}'`);
}

/**
 * The worker/coordinator integration point: this machine's cache
 * (TENSORPOOL_CACHE_DIR, TENSORPOOL_CACHE_BYTES) in front of the
 * environment's store. `cache.get(idOrName)` returns what loadDataset returns.
 */
export function openDatasetCache(redis: Redis, opts: OpenStoreOptions & { cacheDir?: string; cacheBytes?: number; onRefetch?: DatasetCacheOptions['onRefetch'] } = {}): DatasetCache {
  return new DatasetCache(openDatasetStore(redis, opts), { dir: opts.cacheDir, budgetBytes: opts.cacheBytes, env: opts.env, onRefetch: opts.onRefetch });
}
