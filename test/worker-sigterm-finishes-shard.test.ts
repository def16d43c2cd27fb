// SIGTERM to a worker in the middle of a shard: it finishes and stores that
// shard, takes no new one, deregisters its heartbeat and exits 0. The worker
// pauses at a test hook (step 3 of its first shard), gets SIGTERM there, and
// is released only once it has logged that it is stopping.
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, hooks } from './support/cluster.js';

const c = new Cluster('sigterm');
afterAll(() => c.close());

describe('graceful worker stop', () => {
  it('finishes the current shard, then exits 0', { timeout: 180_000 }, async () => {
    c.coordinator();
    const w = c.worker('w1', hooks({ at: 'shard-step', step: 3, pause: true }));
    const job = c.enqueue();
    const line = await w.waitForLine(/^tensorpool-test-hook: shard-step .* paused$/);
    const [, epoch, shard] = /epoch=(\d+) shard=(\d+)/.exec(line)!.map(Number);
    w.child.kill('SIGTERM');
    await w.waitForLine(/SIGTERM, finishing the current shard/);
    w.release();
    expect(await w.exited).toBe(0);
    // The shard it was training was stored (not abandoned to the stalled checker),
    // and it took no other: w1 was the only worker, so the epoch cannot be averaged yet.
    expect(await c.client.redis.exists(c.client.keys.result(job, epoch, shard))).toBe(1);
    expect(Number(await c.client.redis.get(c.client.keys.shardsDone))).toBe(1);
    expect(await c.client.redis.exists(c.client.keys.worker('w1'))).toBe(0);
    // Another worker finishes the job.
    c.worker('w2');
    const done = await c.waitForState(job);
    expect(done.state, `${done.error}\n${c.logs()}`).toBe('completed');
    expect(done.epochMetrics[epoch].shards[shard].worker).toBe('w1');
    expect(Number(await c.client.redis.get(c.client.keys.shardsDone))).toBe(4);
  });
});
