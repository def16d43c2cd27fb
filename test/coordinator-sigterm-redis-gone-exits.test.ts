// SIGTERM to a coordinator whose Redis has gone away: the stop is bounded
// (packages/queue/src/bounded-stop.ts, shared with the worker and serve).
// No step is in progress, so closing its connections gets
// TENSORPOOL_COORDINATOR_CLOSE_MS (1 s here); without Redis the close never
// completes, so that bound is always what ends it: exit 1 with one line,
// instead of hanging. Events, not timing: the test waits for the
// coordinator's "ready" line, kills its private redis-server and waits for the
// coordinator's "unreachable" line before the signal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from './support/cluster.js';
import { RedisServer } from './support/redis-server.js';

let redis: RedisServer;
let c: Cluster;
let killed = false;
beforeAll(async () => {
  redis = await RedisServer.start();
  c = new Cluster('coord-stop', { REDIS_URL: redis.url });
});
afterAll(async () => {
  if (killed) await redis.restart(); // the cluster's cleanup needs it
  await c?.close();
  await redis?.stop();
});

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('coordinator stop with Redis gone', () => {
  it('SIGTERM exits 1 with one line, within the close bound', { timeout: 60_000 }, async () => {
    const co = c.coordinator({ TENSORPOOL_COORDINATOR_CLOSE_MS: '1000' });
    await co.waitForLine(/coordinator ready/);
    const mark = co.output().length;
    await redis.kill();
    killed = true;
    await co.waitForLine(/redis .* unreachable/, mark);
    co.child.kill('SIGTERM');
    expect(await co.exited, c.logs()).toBe(1);
    const mine = lines(co.output()).filter((l) => l.startsWith('tensorpool: '));
    expect(mine).toEqual(['tensorpool: coordinator: could not close its Redis connections within 1000 ms (is Redis reachable?); exiting without a clean close']);
    expect(lines(co.output()).at(-1)).toBe(mine[0]);
  });
});
