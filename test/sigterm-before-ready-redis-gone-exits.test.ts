// A SIGTERM before the ready line when the start cannot finish (Redis
// unreachable from the beginning: BullMQ waits for its first connection
// forever): the start counts against the stop grace
// (packages/queue/src/bounded-stop.ts), so the coordinator exits 1 with one
// line once TENSORPOOL_COORDINATOR_STOP_GRACE_MS (1 s here) has passed,
// instead of hanging until a second signal. Events, not timing: the process
// pauses at the `starting` test hook, gets SIGTERM there, says it will stop
// once started, and only then is released into a start that cannot end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, hooks } from './support/cluster.js';
import { RedisServer } from './support/redis-server.js';

let redis: RedisServer;
let c: Cluster;
beforeAll(async () => {
  redis = await RedisServer.start();
  c = new Cluster('before-ready-gone', { REDIS_URL: redis.url });
  await redis.kill(); // its port now refuses connections
});
afterAll(async () => {
  await redis.restart(); // the cluster's cleanup needs it
  await c?.close();
  await redis?.stop();
});

describe('SIGTERM before ready, Redis unreachable', () => {
  it('the coordinator exits 1 with one line once the grace has passed', { timeout: 60_000 }, async () => {
    const co = c.coordinator({ TENSORPOOL_COORDINATOR_STOP_GRACE_MS: '1000', ...hooks({ at: 'starting', pause: true }) });
    await co.waitForLine(/^tensorpool-test-hook: starting pid=\d+ paused$/);
    co.child.kill('SIGTERM');
    await co.waitForLine(/coordinator: SIGTERM before it was ready, stopping once started/);
    co.release();
    expect(await co.exited, c.logs()).toBe(1);
    const mine = co.output().split('\n').filter((l) => l.startsWith('tensorpool: '));
    expect(mine).toEqual(['tensorpool: coordinator: not started 1000 ms after the signal (stop grace; is Redis reachable?); exiting without a clean close']);
    expect(co.output()).not.toMatch(/coordinator ready/);
  });
});
