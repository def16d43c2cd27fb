/**
 * The end of an in-process distributed run in a benchmark (parity-runs.ts,
 * dist-cost.ts): workers and coordinator closed, the run's Redis keys and
 * models directory removed, so the next run starts from nothing.
 */
import { rm } from 'node:fs/promises';
import type { Coordinator, QueueClient, ShardWorker } from '@tensorpool/queue';

export async function closeInProcessCluster(c: { workers: ShardWorker[]; coord: Coordinator; client: QueueClient; prefix: string; modelsDir: string }): Promise<void> {
  for (const w of c.workers) await w.close();
  await c.coord.close();
  const ks = await c.client.redis.keys(`${c.prefix}:*`);
  if (ks.length) await c.client.redis.del(...ks);
  await c.client.close();
  await rm(c.modelsDir, { recursive: true, force: true });
}
