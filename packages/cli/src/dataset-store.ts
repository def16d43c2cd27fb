import { openDatasetStore, type DatasetStore } from '@tensorpool/datasets';
import { connectRedis, resolvePrefix } from '@tensorpool/queue';

/**
 * Runs `fn` with the dataset store the queue commands share: REDIS_URL and
 * TENSORPOOL_PREFIX (or TENSORPOOL_DATASET_STORE=file:///dir), and always
 * closes the connection so the command can exit.
 */
export async function withDatasetStore<T>(fn: (store: DatasetStore) => Promise<T>): Promise<T> {
  const redis = connectRedis(undefined, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    return await fn(openDatasetStore(redis, { prefix: resolvePrefix() }));
  } finally {
    redis.disconnect();
  }
}
