// The service holds at most TENSORPOOL_MAX_ACTIVE_JOBS queued + running jobs:
// POST /jobs beyond that is 429 with a one-line reason and writes nothing;
// once a job ends (cancelled here), there is room again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './server.js';
import { closeTestServer } from './testing/app.js';

const prefix = `tp-test-api-busy-${process.pid}`;
const token = 'busy-token-0123456789';
const auth = { authorization: `Bearer ${token}` };
let app: Awaited<ReturnType<typeof buildServer>>;
const job = { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 1 };

beforeAll(async () => {
  process.env.TENSORPOOL_MAX_ACTIVE_JOBS = '3';
  app = await buildServer({ prefix, token });
});
afterAll(async () => {
  delete process.env.TENSORPOOL_MAX_ACTIVE_JOBS;
  await closeTestServer(app, prefix);
});

describe('active job limit', () => {
  it('answers 429 beyond the limit and accepts again once a job has ended', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await app.inject({ method: 'POST', url: '/jobs', headers: auth, payload: job });
      expect(r.statusCode).toBe(201);
      ids.push(r.json().jobId);
    }
    // Concurrent requests cannot overshoot: the check and the write are one Lua script.
    const burst = await Promise.all(Array.from({ length: 5 }, () => app.inject({ method: 'POST', url: '/jobs', headers: auth, payload: job })));
    for (const r of burst) {
      expect(r.statusCode).toBe(429);
      expect(r.json().message).toMatch(/^the service already has 3 queued or running jobs \(TENSORPOOL_MAX_ACTIVE_JOBS\)/);
      expect(r.headers['retry-after']).toBe('30');
    }
    const redis = app.queueClient.redis;
    expect(await redis.zcard(app.queueClient.keys.jobs)).toBe(3);
    expect(await redis.scard(app.queueClient.keys.active)).toBe(3);
    await app.inject({ method: 'DELETE', url: `/jobs/${ids[0]}`, headers: auth });
    expect((await app.inject({ method: 'POST', url: '/jobs', headers: auth, payload: job })).statusCode).toBe(201);
  });
});
