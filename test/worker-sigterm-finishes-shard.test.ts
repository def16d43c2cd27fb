// SIGTERM to a worker in the middle of a shard: it finishes and stores that
// shard, takes no new one, deregisters its heartbeat and exits 0.
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from './support/cluster.js';

const c = new Cluster('sigterm');
afterAll(() => c.close());

describe('graceful worker stop', () => {
  it('finishes the current shard, then exits 0', { timeout: 300_000 }, async () => {
    c.coordinator();
    const w = c.worker('w1');
    // 15,000 samples per shard: seconds of training, so the signal lands mid-shard.
    const job = c.enqueue(['--epochs', '2', '--limit', '30000']);
    const shard = await c.waitFor('w1 to be mid-shard', async () => {
      const active = await c.client.queues.shards.getActive();
      return active.find((j) => j.data.jobId === job && Number(j.progress) > 0 && Number(j.progress) < 100);
    }, 120_000);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(w.output()).toMatch(/SIGTERM, finishing the current shard/);
    // The shard it was training was stored (not abandoned to the stalled checker).
    const stored = await c.client.redis.exists(c.client.keys.result(job, shard.data.epoch, shard.data.shard));
    const averaged = (await c.client.status(job)).epoch > shard.data.epoch;
    expect(stored === 1 || averaged).toBe(true);
    expect(await c.client.redis.exists(c.client.keys.worker('w1'))).toBe(0);
    // Another worker finishes the job.
    c.worker('w2');
    const done = await c.waitForState(job);
    expect(done.state, `${done.error}\n${c.logs()}`).toBe('completed');
    expect(done.epochMetrics[shard.data.epoch].shards[shard.data.shard].worker).toBe('w1');
  });
});
