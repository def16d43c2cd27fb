// kill -9 of a worker in the middle of a shard: the shard's lease expires,
// another worker re-runs it, the job completes with each shard counted once,
// and the final weights equal those of an undisturbed run (the other worker,
// afterwards). The victim pauses at a test hook (step 3 of the first shard it
// trains) and is killed there, however fast training is.
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, hooks, maxAbsDiff } from './support/cluster.js';

const c = new Cluster('kill');
afterAll(() => c.close());

describe('worker killed mid-shard', () => {
  it('re-runs the shard elsewhere; same final weights as an undisturbed run; each shard counted once', { timeout: 180_000 }, async () => {
    c.coordinator();
    // The victim is the only worker when the job starts, so it surely takes a shard.
    const victim = c.worker('w1', hooks({ at: 'shard-step', step: 3, pause: true }));
    const job = c.enqueue();
    const line = await victim.waitForLine(/^tensorpool-test-hook: shard-step .* paused$/);
    const [, epoch, shard] = /epoch=(\d+) shard=(\d+)/.exec(line)!.map(Number);
    const held = await c.client.queues.shards.getJob(c.client.keys.shardJobId(job, epoch, shard));
    expect(await held!.getState()).toBe('active');
    victim.child.kill('SIGKILL');
    await victim.exited;
    // A worker joining later takes the rest, including the killed shard once its lease expired.
    c.worker('w2');

    const done = await c.waitForState(job);
    expect(done.state, `${done.error}\n${c.logs()}`).toBe('completed');
    expect(done.epochMetrics.map((e) => e.samples)).toEqual([512, 512]);
    expect(done.epochMetrics[epoch].shards[shard].worker).toBe('w2');
    // Exactly 4 shard results accepted: nothing counted twice.
    expect(Number(await c.client.redis.get(c.client.keys.shardsDone))).toBe(4);

    // Undisturbed reference: the same job again, on w2 alone.
    const ref = c.enqueue();
    const refDone = await c.waitForState(ref);
    expect(refDone.state, `${refDone.error}\n${c.logs()}`).toBe('completed');
    expect(Number(await c.client.redis.get(c.client.keys.shardsDone))).toBe(8);
    const a = await c.finalWeights(ref);
    const b = await c.finalWeights(job);
    expect(b.length).toBe(a.length);
    expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-6);
  });
});
