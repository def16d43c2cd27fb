import { QueueClient } from '@tensorpool/queue';

/** Runs `fn` with a QueueClient on REDIS_URL and always closes its connections, so the command can exit. */
export async function withQueueClient<T>(fn: (client: QueueClient) => Promise<T>): Promise<T> {
  const client = new QueueClient();
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
