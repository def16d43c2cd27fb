// /healthz while Redis is gone answers 503 naming the cause, instead of
// waiting for ever (ioredis queues a PING while disconnected): the PING is
// bounded by TENSORPOOL_API_HEALTH_TIMEOUT_MS. When Redis is back, 200 again.
// Events, not timing: the test waits for the "listening" and "unreachable"
// lines; the answer itself is awaited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from './support/cluster.js';
import { RedisServer } from './support/redis-server.js';

let redis: RedisServer;
let c: Cluster;
beforeAll(async () => {
  redis = await RedisServer.start();
  c = new Cluster('healthz-gone', { REDIS_URL: redis.url });
});
afterAll(async () => {
  await c?.close();
  await redis?.stop();
});

describe('/healthz with Redis gone', () => {
  it('503 with the reason, then 200 once Redis is back', { timeout: 60_000 }, async () => {
    const api = c.start('api', ['serve', '--port', '0', '--host', '127.0.0.1'], { TENSORPOOL_API_HEALTH_TIMEOUT_MS: '300' });
    const url = (await api.waitForLine(/api listening on /)).match(/on (http:\S+)/)![1];
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const mark = api.output().length;
    await redis.kill();
    await api.waitForLine(/redis .* unreachable/, mark);
    const gone = await fetch(`${url}/healthz`);
    expect(gone.status).toBe(503);
    expect(((await gone.json()) as { message: string }).message).toMatch(/^redis unreachable: /);
    await redis.restart();
    await c.waitFor('/healthz to answer 200 again', async () => (await fetch(`${url}/healthz`)).status === 200, 30_000);
  });
});
