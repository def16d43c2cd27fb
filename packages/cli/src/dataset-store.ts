import { DataError } from '@tensorpool/core';
import { openDatasetStore, type DatasetStore } from '@tensorpool/datasets';
import { connectRedis, redisUrl, resolvePrefix } from '@tensorpool/queue';

/** host:port of the Redis URL, without credentials, for messages. */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 6379}`;
  } catch {
    return 'REDIS_URL';
  }
}

/**
 * Runs `fn` with the dataset store the queue commands share: REDIS_URL and
 * TENSORPOOL_PREFIX (or TENSORPOOL_DATASET_STORE=file:///dir), and always
 * closes the connection so the command can exit. An unreachable Redis is one
 * clear error, not a retry loop (a push run again resumes).
 */
export async function withDatasetStore<T>(fn: (store: DatasetStore) => Promise<T>): Promise<T> {
  const url = redisUrl();
  const redis = connectRedis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  let lastError: Error | undefined;
  redis.on('error', (e: Error) => (lastError = e));
  try {
    const store = openDatasetStore(redis, { prefix: resolvePrefix() });
    if (store.description.startsWith('redis')) {
      await redis.connect().catch((e: Error) => {
        throw new DataError(`cannot reach Redis at ${where(url)} (REDIS_URL): ${(lastError ?? e).message}`, { cause: e });
      });
    }
    return await fn(store);
  } finally {
    redis.disconnect();
  }
}
