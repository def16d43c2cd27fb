// A malformed :id is answered 400 naming the field, before any Redis
// command; a well-formed unknown id is 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './server.js';
import { closeTestServer } from './testing/app.js';

const prefix = `tp-test-api-ids-${process.pid}`;
const token = 'ids-token-0123456789';
const auth = { authorization: `Bearer ${token}` };
let app: Awaited<ReturnType<typeof buildServer>>;

beforeAll(async () => {
  app = await buildServer({ prefix, token });
});
afterAll(() => closeTestServer(app, prefix));

describe('job id route parameters', () => {
  it('are 400 for anything but a job id, without touching Redis', async () => {
    const sent: string[] = [];
    const redis = app.queueClient.redis as unknown as { sendCommand: (c: { name: string; args: unknown[] }) => unknown };
    const send = redis.sendCommand.bind(redis);
    // The rate limiter counts mutating requests in Redis (its own keys); nothing else may be touched.
    const limiter = app.queueClient.keys.rateLimit;
    redis.sendCommand = (c) => {
      if (!c.args.some((a) => String(a).startsWith(limiter))) sent.push(c.name);
      return send(c);
    };
    try {
      for (const id of ['nope', '..%2F..%2Fetc', 'j0123456789ABCDEF', '%2A', 'j0123456789abcdef0', '%E2%80%A8']) {
        for (const [method, url] of [['GET', `/jobs/${id}`], ['GET', `/jobs/${id}/metrics`], ['DELETE', `/jobs/${id}`]] as const) {
          const r = await app.inject({ method, url, headers: auth });
          expect(r.statusCode, `${method} ${url}`).toBe(400);
          expect(r.json().message).toBe("id: not a job id (expected 'j' and 16 hex digits)");
        }
      }
      expect(sent).toEqual([]);
    } finally {
      redis.sendCommand = send;
    }
    const unknown = await app.inject({ method: 'GET', url: '/jobs/j0000000000000000', headers: auth });
    expect(unknown.statusCode).toBe(404);
  });
});
