// The other bound of a worker's stop (packages/queue/src/worker-stop.ts): a
// shard still in progress when the stop grace runs out. The worker pauses at
// a test hook in the middle of its first shard and gets SIGTERM there with a
// grace of 0 ms, so the shard cannot finish in time whatever the machine's
// speed: it exits 1 with one line, the shard's result is not stored, and its
// lock lapses so a second worker trains it and the job completes.
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, hooks } from './support/cluster.js';

const c = new Cluster('stop-grace');
afterAll(() => c.close());

describe('worker stop grace', () => {
  it('exits 1 with one line when the shard in progress outlives it; another worker retries the shard', { timeout: 180_000 }, async () => {
    c.coordinator();
    const w = c.worker('w1', { ...hooks({ at: 'shard-step', step: 3, pause: true }), TENSORPOOL_WORKER_STOP_GRACE_MS: '0' });
    const job = c.enqueue();
    const line = await w.waitForLine(/^tensorpool-test-hook: shard-step .* paused$/);
    const [, epoch, shard] = /epoch=(\d+) shard=(\d+)/.exec(line)!.map(Number);
    w.child.kill('SIGTERM');
    expect(await w.exited, c.logs()).toBe(1);
    const mine = w.output().split('\n').filter((l) => l.startsWith('tensorpool: '));
    expect(mine).toEqual(['tensorpool: worker w1: shards still in progress 0 ms after the signal (stop grace); exiting without them, other workers will retry them']);
    expect(await c.client.redis.exists(c.client.keys.result(job, epoch, shard))).toBe(0);
    c.worker('w2');
    const done = await c.waitForState(job);
    expect(done.state, `${done.error}\n${c.logs()}`).toBe('completed');
    expect(done.epochMetrics[epoch].shards[shard].worker).toBe('w2');
  });
});
