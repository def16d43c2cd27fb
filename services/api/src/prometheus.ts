/**
 * GET /metrics in Prometheus text format (prom-client). Values are read
 * from Redis at scrape time, so any number of API replicas report the same.
 */
import { Gauge, Registry } from 'prom-client';
import type { QueueClient } from '@tensorpool/queue';

export function prometheusRegistry(client: QueueClient): Registry {
  const registry = new Registry();
  let pending: Promise<Awaited<ReturnType<QueueClient['stats']>>> | undefined;
  // One Redis round per scrape, shared by every gauge's collect().
  const stats = () => (pending ??= client.stats().finally(() => setTimeout(() => (pending = undefined), 0)));
  const gauge = (name: string, help: string, labelNames: string[], set: (g: Gauge, s: Awaited<ReturnType<QueueClient['stats']>>) => void) =>
    new Gauge({
      name, help, labelNames, registers: [registry],
      async collect() {
        set(this as Gauge, await stats());
      },
    });
  gauge('tensorpool_queue_depth', 'Shard jobs in the queue, by state', ['state'], (g, s) => {
    g.set({ state: 'waiting' }, s.shardsWaiting);
    g.set({ state: 'active' }, s.shardsActive);
  });
  gauge('tensorpool_active_workers', 'Workers with a live heartbeat', [], (g, s) => g.set(s.workers.length));
  gauge('tensorpool_busy_workers', 'Workers training a shard right now', [], (g, s) => g.set(s.workers.filter((w) => w.busy > 0).length));
  gauge('tensorpool_shards_done', 'Shard results accepted since the queue was created', [], (g, s) => g.set(s.shardsDone));
  gauge('tensorpool_shards_rejected', 'Shard results rejected by validation (wrong size, NaN/Inf)', [], (g, s) => g.set(s.shardsRejected));
  gauge('tensorpool_images_per_second', 'Training throughput summed over busy workers (last shard of each)', [], (g, s) => g.set(s.imagesPerSecond));
  gauge('tensorpool_jobs_active', 'Training jobs queued or running', [], (g, s) => g.set(s.jobsActive));
  return registry;
}
