// Mutating routes are rate limited per route and client (counters in Redis
// under the service's prefix): past the limit, 429 with a one-line message
// and Retry-After, and no job is created. Reads are not limited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ApiServer } from './server.js';
import { closeTestServer } from './testing/app.js';

const prefix = `tp-test-rate-limit-${process.pid}`;
const token = 'rate-tok-0123456789';
const auth = { authorization: `Bearer ${token}` };
const job = { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 1 };
let app: ApiServer;

beforeAll(async () => {
  app = await buildServer({ prefix, token, rateLimitMax: 3, rateLimitWindowMs: 3_600_000 });
});
afterAll(() => closeTestServer(app, prefix));

describe('rate limit on mutating routes', () => {
  it('answers 429 past the limit, with a clear message and no new job', async () => {
    for (let i = 0; i < 3; i++) expect((await app.inject({ method: 'POST', url: '/jobs', headers: auth, payload: job })).statusCode).toBe(201);
    const r = await app.inject({ method: 'POST', url: '/jobs', headers: auth, payload: job });
    expect(r.statusCode).toBe(429);
    expect(r.json()).toEqual({ error: 'rate_limited', message: expect.stringMatching(/^rate limit: at most 3 POST \/jobs requests per 3600 s from one client; retry in /) });
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    const { redis, keys } = app.queueClient;
    expect(await redis.zcard(keys.jobs)).toBe(3);
    expect((await redis.keys(`${keys.rateLimit}*`)).length).toBeGreaterThan(0);
    // Reads stay open; DELETE has its own budget.
    for (let i = 0; i < 10; i++) expect((await app.inject({ method: 'GET', url: '/jobs', headers: auth })).statusCode).toBe(200);
    const [id] = await redis.zrange(keys.jobs, 0, 0);
    expect((await app.inject({ method: 'DELETE', url: `/jobs/${id}`, headers: auth })).statusCode).toBe(200);
  });

  it('counts in Redis, so a second replica of the API shares the budget', async () => {
    const other = await buildServer({ prefix, token, rateLimitMax: 3, rateLimitWindowMs: 3_600_000 });
    try {
      expect((await other.inject({ method: 'POST', url: '/jobs', headers: auth, payload: job })).statusCode).toBe(429);
    } finally {
      await other.close();
    }
  });
});
