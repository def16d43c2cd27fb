// Redis (append-only file, fsync always) is SIGKILLed and restarted on the same
// file twice during a job: once while the coordinator is paused right after
// averaging epoch 1, once while the worker is paused in the middle of a shard
// of epoch 2 (test hooks). Coordinator, worker and client reconnect, the job
// completes with each shard counted once, and its final weights equal an
// undisturbed run's (the same processes, run again afterwards: the hooks fire
// once per process).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, hooks, maxAbsDiff } from './support/cluster.js';
import { RedisServer } from './support/redis-server.js';

let redis: RedisServer;
let c: Cluster;
beforeAll(async () => {
  redis = await RedisServer.start();
  c = new Cluster('aof', { REDIS_URL: redis.url });
});
afterAll(async () => {
  await c?.close();
  await redis?.stop();
});

describe('Redis restart mid-job', () => {
  it('the job completes with the same final weights as an undisturbed run', { timeout: 180_000 }, async () => {
    const coord = c.coordinator(hooks({ at: 'epoch-averaged', epoch: 0, pause: true }));
    // The only worker, so it surely trains a shard of epoch 2.
    const w = c.worker('w1', hooks({ at: 'shard-step', epoch: 1, step: 3, pause: true }));
    const job = c.enqueue();

    await coord.waitForLine(/^tensorpool-test-hook: epoch-averaged epoch=0 .*paused$/);
    // Released while Redis is down: it goes on until its next Redis call, which waits for the reconnect.
    let mark = coord.output().length;
    await redis.kill();
    coord.release();
    await coord.waitForLine(/redis .* unreachable/, mark);
    await redis.restart();

    await w.waitForLine(/^tensorpool-test-hook: shard-step epoch=1 .*paused$/);
    mark = w.output().length;
    await redis.kill();
    w.release();
    await w.waitForLine(/redis .* unreachable/, mark);
    await redis.restart();

    const done = await c.waitForState(job);
    expect(done.state, `${done.error}\n${c.logs()}`).toBe('completed');
    expect(redis.starts).toBe(3);
    expect(done.epochMetrics.map((e) => e.epoch)).toEqual([1, 2]);
    expect(Number(await c.client.redis.get(c.client.keys.shardsDone))).toBe(4);
    // Both survived: no process exited.
    expect([coord.child.exitCode, w.child.exitCode]).toEqual([null, null]);

    const ref = c.enqueue();
    const refDone = await c.waitForState(ref);
    expect(refDone.state, `${refDone.error}\n${c.logs()}`).toBe('completed');
    const a = await c.finalWeights(ref);
    const b = await c.finalWeights(job);
    expect(b.length).toBe(a.length);
    expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-6);
  });
});
