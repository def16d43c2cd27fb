// A trainer thread of a worker dies (process.exit in the thread, by test hook)
// while the other thread waits at the fused step's barrier: the shard attempt
// fails at once, the worker drops that trainer, the shard is retried and the
// job completes with each shard counted once and the weights of an
// undisturbed run (the same worker afterwards: the hook fires once per process).
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, hooks } from './support/cluster.js';

const c = new Cluster('thread-fault');
afterAll(() => c.close());

describe('trainer thread dies mid-step', () => {
  it('the shard is retried on a fresh trainer; same final weights', { timeout: 180_000 }, async () => {
    c.coordinator();
    const w = c.start('w1', ['worker', '--threads', '2', '--id', 'w1'], hooks({ at: 'thread-fault', epoch: 0, shard: 1, step: 3, how: 'exit' }));
    const job = c.enqueue();
    const done = await c.waitForState(job);
    expect(done.state, `${done.error}\n${c.logs()}`).toBe('completed');
    expect(w.output()).toMatch(/tensorpool-test-hook: thread-fault epoch=0 shard=1/);
    expect(w.output()).toMatch(/shard 1 of epoch 1: attempt 1 of 3 failed: a gradient thread failed at epoch 1 step 3: worker exited with code: 1/);
    expect(w.output()).toMatch(/dropped a broken trainer/);
    expect(Number(await c.client.redis.get(c.client.keys.shardsDone))).toBe(4);

    const ref = c.enqueue();
    const refDone = await c.waitForState(ref);
    expect(refDone.state, `${refDone.error}\n${c.logs()}`).toBe('completed');
    const a = await c.finalWeights(ref);
    const b = await c.finalWeights(job);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
  });
});
