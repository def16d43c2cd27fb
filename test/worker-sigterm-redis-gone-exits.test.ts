// SIGTERM to a worker whose Redis has gone away: the stop is bounded
// (packages/queue/src/worker-stop.ts). The worker is idle, so closing its
// connections gets TENSORPOOL_WORKER_CLOSE_MS (1 s here); it cannot close
// (BullMQ and QUIT wait for a reconnect that never comes), so it exits 1
// with one line saying so, instead of hanging. With Redis up, the same stop
// is clean: exit 0. Events, not timing: the test waits for the worker's
// "ready" line, kills its private redis-server and waits for the worker's
// "unreachable" line before the signal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from './support/cluster.js';
import { RedisServer } from './support/redis-server.js';

let redis: RedisServer;
let c: Cluster;
let killed = false;
beforeAll(async () => {
  redis = await RedisServer.start();
  c = new Cluster('stop-bounded', { REDIS_URL: redis.url });
});
afterAll(async () => {
  if (killed) await redis.restart(); // the cluster's cleanup needs it
  await c?.close();
  await redis?.stop();
});

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('worker stop with Redis gone', () => {
  it('with Redis up: SIGTERM stops an idle worker cleanly, exit 0', { timeout: 60_000 }, async () => {
    // A bound no clean close reaches, however loaded the machine: this case must not depend on time.
    const w = c.worker('w-up', { TENSORPOOL_WORKER_CLOSE_MS: '600000' });
    await w.waitForLine(/worker w-up ready/);
    w.child.kill('SIGTERM');
    expect(await w.exited, c.logs()).toBe(0);
    expect(w.output()).not.toMatch(/^tensorpool: /m);
  });

  it('with Redis gone: SIGTERM exits 1 with one line, within the close bound', { timeout: 60_000 }, async () => {
    // Without Redis the close never completes, so the 1 s bound is always what ends it.
    const w = c.worker('w-gone', { TENSORPOOL_WORKER_CLOSE_MS: '1000' });
    await w.waitForLine(/worker w-gone ready/);
    const mark = w.output().length;
    await redis.kill();
    killed = true;
    await w.waitForLine(/redis .* unreachable/, mark);
    w.child.kill('SIGTERM');
    expect(await w.exited, c.logs()).toBe(1);
    const mine = lines(w.output()).filter((l) => l.startsWith('tensorpool: '));
    expect(mine).toEqual(['tensorpool: worker w-gone: could not close its Redis connections within 1000 ms (is Redis reachable?); exiting without a clean close']);
    expect(lines(w.output()).at(-1)).toBe(mine[0]);
  });
});
