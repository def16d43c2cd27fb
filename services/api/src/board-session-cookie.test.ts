// The dashboard's ?token= bootstrap: a 303 to the same URL without the token,
// a cookie that holds a random session id (HttpOnly, SameSite=Strict,
// Path=/, no Secure over plain HTTP), the session in Redis with a TTL,
// the token in no log line, and sessions read back from Redis validated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ApiServer } from './server.js';
import { closeTestServer } from './testing/app.js';

const prefix = `tp-test-board-cookie-${process.pid}`;
const token = 'cookie-tok-0123456789';
const sessionTtlMs = 600_000;
const logs: string[] = [];
let app: ApiServer;

beforeAll(async () => {
  app = await buildServer({ prefix, token, sessionTtlMs, logger: { stream: { write: (l: string) => void logs.push(l) } } });
});
afterAll(() => closeTestServer(app, prefix));

async function bootstrap(url: string) {
  const r = await app.inject({ method: 'GET', url });
  const cookie = String(r.headers['set-cookie'] ?? '');
  return { r, cookie, sid: /^tensorpool_session=([^;]*)/.exec(cookie)?.[1] ?? '' };
}

describe('dashboard session cookie', () => {
  it('trades ?token= for a session cookie and a redirect without the token', async () => {
    const { r, cookie, sid } = await bootstrap(`/admin/queues?status=failed&token=${token}`);
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/admin/queues?status=failed');
    expect(cookie).toMatch(/^tensorpool_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=600; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain(token);
    const { redis, keys } = app.queueClient;
    const stored = await redis.get(keys.session(sid));
    expect(JSON.parse(stored!)).toMatchObject({ role: 'user' });
    expect(stored).not.toContain(token);
    const ttl = await redis.pttl(keys.session(sid));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(sessionTtlMs);
    const page = await app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { cookie: `tensorpool_session=${sid}` } });
    expect(page.statusCode).toBe(200);
    // The cookie only opens the dashboard, not the job routes.
    expect((await app.inject({ method: 'GET', url: '/jobs', headers: { cookie: `tensorpool_session=${sid}` } })).statusCode).toBe(401);
  });

  it('never writes the token into the request log', async () => {
    await bootstrap(`/admin/queues?token=${token}`);
    await bootstrap(`/admin/queues?%74oken=${token}`);
    await bootstrap(`/admin/queues?token=${token}x`);
    const text = logs.join('');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(token);
  });

  it('refuses a wrong ?token= without creating a session', async () => {
    const { redis, keys } = app.queueClient;
    const before = (await redis.keys(keys.session('*'))).length;
    const { r, cookie } = await bootstrap(`/admin/queues?token=${token.slice(1)}`);
    expect(r.statusCode).toBe(401);
    expect(cookie).toBe('');
    expect((await redis.keys(keys.session('*'))).length).toBe(before);
  });

  it('grants nothing for a session it cannot validate: unknown, malformed, foreign, or from an earlier token', async () => {
    const { redis, keys } = app.queueClient;
    const id = 'B'.repeat(43);
    const tryIt = async () => (await app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { cookie: `tensorpool_session=${id}` } })).statusCode;
    expect(await tryIt()).toBe(401);
    for (const value of ['not json', '{"role":"admin"}', JSON.stringify({ role: 'root', fp: '0123456789abcdef', created: 1 }),
      JSON.stringify({ role: 'user', fp: '0123456789abcdef', created: 1 }), '[]', 'null']) {
      await redis.set(keys.session(id), value, 'PX', 60_000);
      expect(await tryIt(), value).toBe(401);
    }
    // The same record with the fingerprint of the current token does open it (so the cases above are refused for their content).
    const { sid } = await bootstrap(`/admin/queues?token=${token}`);
    await redis.set(keys.session(id), (await redis.get(keys.session(sid)))!, 'PX', 60_000);
    expect(await tryIt()).toBe(200);
  });
});
