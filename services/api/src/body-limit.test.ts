// A request body over the configured limit is refused with 413 and one line of
// JSON that names the limit and how to raise it, before any job is created.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ApiServer } from './server.js';
import { closeTestServer } from './testing/app.js';

const prefix = `tp-test-body-limit-${process.pid}`;
const token = 'body-tok-0123456789';
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
let app: ApiServer;

beforeAll(async () => {
  app = await buildServer({ prefix, token, bodyBytes: 4096 });
});
afterAll(() => closeTestServer(app, prefix));

describe('request body limit', () => {
  it('answers 413 with a one-line message above the limit, and accepts a body just under it', async () => {
    const job = { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 1 };
    const big = JSON.stringify({ ...job, name: 'x'.repeat(5000) });
    const r = await app.inject({ method: 'POST', url: '/jobs', headers: auth, payload: big });
    expect(r.statusCode).toBe(413);
    expect(r.body).not.toContain('\n');
    expect(r.json()).toEqual({ error: 'payload_too_large', message: 'request body is larger than 4096 bytes (raise it with serve --body-limit or TENSORPOOL_API_BODY_BYTES)' });
    expect(await app.queueClient.redis.zcard(app.queueClient.keys.jobs)).toBe(0);
    const small = JSON.stringify(job).padEnd(4000, ' ');
    expect((await app.inject({ method: 'POST', url: '/jobs', headers: auth, payload: small })).statusCode).toBe(201);
  });

  it('checks the limit after authentication: an unauthenticated oversized body is a 401', async () => {
    const r = await app.inject({ method: 'POST', url: '/jobs', headers: { 'content-type': 'application/json' }, payload: 'x'.repeat(10_000) });
    expect(r.statusCode).toBe(401);
  });

  it('refuses an out-of-range limit when the server is built, naming the option', async () => {
    await expect(buildServer({ prefix, token, bodyBytes: 10 })).rejects.toThrow(/bodyBytes \(serve --body-limit, TENSORPOOL_API_BODY_BYTES\) must be an integer in \[1024, /);
  });
});
