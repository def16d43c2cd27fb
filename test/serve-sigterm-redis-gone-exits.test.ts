// SIGTERM to `tensorpool serve` whose Redis has gone away: the stop is bounded
// (packages/queue/src/bounded-stop.ts, shared with worker and coordinator).
// Idle, it closes at once (ioredis drops a connection with nothing queued on
// QUIT): exit 0. With a request in progress that waits for Redis (/healthz's
// PING sits in the offline queue), the request gets TENSORPOOL_API_STOP_GRACE_MS
// (1 s here) and cannot finish (its PING timeout, TENSORPOOL_API_HEALTH_TIMEOUT_MS,
// is set far beyond it), so that bound is always what ends it: exit 1
// with one line, the client's connection dropped, instead of hanging.
// Events, not timing: the test waits for the "listening" lines, kills the
// private redis-server, waits for each server's "unreachable" line, and for
// the `request` test hook's line before the signal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, hooks } from './support/cluster.js';
import { RedisServer } from './support/redis-server.js';

let redis: RedisServer;
let c: Cluster;
let killed = false;
beforeAll(async () => {
  redis = await RedisServer.start();
  c = new Cluster('serve-stop', { REDIS_URL: redis.url });
});
afterAll(async () => {
  if (killed) await redis.restart(); // the cluster's cleanup needs it
  await c?.close();
  await redis?.stop();
});

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');
const serve = ['serve', '--port', '0', '--host', '127.0.0.1'];

describe('serve stop with Redis gone', () => {
  it('idle: exit 0; a request waiting for Redis: exit 1 with one line after the grace', { timeout: 60_000 }, async () => {
    const idle = c.start('api-idle', serve);
    const busy = c.start('api-busy', serve, { TENSORPOOL_API_STOP_GRACE_MS: '1000', TENSORPOOL_API_HEALTH_TIMEOUT_MS: '600000', ...hooks({ at: 'request' }) });
    const url = (await busy.waitForLine(/api listening on /)).match(/on (http:\S+)/)![1];
    await idle.waitForLine(/api listening on /);
    const marks = [idle.output().length, busy.output().length];
    await redis.kill();
    killed = true;
    await idle.waitForLine(/redis .* unreachable/, marks[0]);
    await busy.waitForLine(/redis .* unreachable/, marks[1]);

    idle.child.kill('SIGTERM');
    expect(await idle.exited, c.logs()).toBe(0);
    expect(idle.output()).not.toMatch(/^tensorpool: /m);

    const answer = fetch(`${url}/healthz`).then((r) => r.status, (e: Error) => e);
    await busy.waitForLine(/^tensorpool-test-hook: request pid=\d+$/);
    busy.child.kill('SIGTERM');
    expect(await busy.exited, c.logs()).toBe(1);
    const mine = lines(busy.output()).filter((l) => l.startsWith('tensorpool: '));
    expect(mine).toEqual(['tensorpool: api: requests still in progress 1000 ms after the signal (stop grace); exiting without them, their connections are dropped']);
    expect(lines(busy.output()).at(-1)).toBe(mine[0]);
    expect(await answer).toBeInstanceOf(Error);
  });
});
