// Every non-public route the app registered, in every spelling (percent-encoding,
// double and trailing slashes, case, ';' parameters, dot segments) and with HEAD
// and OPTIONS, with no token, a wrong token, tokens of other lengths, other
// schemes and forged cookies: always 401, and nothing changes in Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ApiServer } from './server.js';
import { closeTestServer } from './testing/app.js';
import { badCredentials, isAllowedPublic, protectedTargets, spellings } from './testing/attack.js';

const prefix = `tp-test-auth-spell-${process.pid}`;
const token = 'tok-0123456789abcdef';
const adminToken = 'adm-0123456789abcdef';
const job = { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 1 };
let app: ApiServer;
let jobId: string;

beforeAll(async () => {
  app = await buildServer({ prefix, token, adminToken, rateLimitMax: 1_000_000 });
  const r = await app.inject({ method: 'POST', url: '/jobs', headers: { authorization: `Bearer ${token}` }, payload: job });
  expect(r.statusCode).toBe(201);
  jobId = (r.json() as { jobId: string }).jobId;
});
afterAll(() => closeTestServer(app, prefix));

/** `{"error":"unauthorized","message":"<one line, no secret>"}` and nothing else. */
function oneLine401(body: string): boolean {
  const b = JSON.parse(body) as Record<string, unknown>;
  return Object.keys(b).join() === 'error,message' && b.error === 'unauthorized' && typeof b.message === 'string'
    && !b.message.includes('\n') && !b.message.includes(token.slice(4)) && !b.message.includes(adminToken.slice(4));
}

async function snapshot() {
  const { redis, keys, queues } = app.queueClient;
  return {
    jobs: await redis.zrange(keys.jobs, 0, -1),
    state: (await app.queueClient.status(jobId)).state,
    counts: await Promise.all([queues.train, queues.epochs, queues.shards].map((q) => q.getJobCounts())),
    paused: await Promise.all([queues.train, queues.epochs, queues.shards].map((q) => q.isPaused())),
    sessions: await redis.keys(keys.session('*')),
  };
}

describe('auth, every spelling of every route', () => {
  it('has only the listed public routes, and covers the board and job routes', () => {
    for (const r of app.routeList) if (r.config?.public) expect(isAllowedPublic(r.url), r.url).toBe(true);
    const routes = new Set(protectedTargets(app.routeList, {}).map((t) => t.route));
    for (const r of ['/jobs', '/jobs/:id', '/jobs/:id/metrics', '/metrics', '/admin/queues', '/admin/queues/api/queues/:queueName/clean/:queueStatus']) expect(routes).toContain(r);
  });

  it('reaches handlers through encoded and absolute spellings with the right token (so the attack below is real)', async () => {
    const ok = { authorization: `Bearer ${token}` };
    expect((await app.inject({ method: 'GET', url: '/%6Aobs', headers: ok })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: `/jobs/${jobId.replace(/^./, (c) => `%${c.charCodeAt(0).toString(16)}`)}`, headers: ok })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/%61dmin/queues/api/queues', headers: ok })).statusCode).toBe(200);
    for (const t of protectedTargets(app.routeList, { id: jobId, queueName: 'train', jobId, queueStatus: 'failed' })) {
      // An event stream (SSE) stays open while its job lives: dashboard/sse-requires-auth.test.ts reads one with the token.
      if (t.method !== 'GET' || t.route.endsWith('*') || t.route.endsWith('/events')) continue;
      const r = await app.inject({ method: 'GET', url: t.path, headers: ok });
      expect(r.statusCode, `${t.route} with the token`).not.toBe(401);
    }
  });

  it('answers 401 to all of them without a valid token, and nothing changes', async () => {
    const before = await snapshot();
    expect(before.state).toBe('queued');
    const targets = protectedTargets(app.routeList, { id: jobId, queueName: 'train', jobId, queueStatus: 'waiting' });
    const creds = badCredentials(token);
    const requests: { method: string; url: string; headers: Record<string, string> }[] = [];
    for (const t of targets) {
      for (const url of spellings(t.path)) {
        for (const headers of creds) requests.push({ method: t.method, url, headers });
        for (const method of ['HEAD', 'OPTIONS']) for (const headers of creds.slice(0, 3)) requests.push({ method, url, headers });
      }
    }
    expect(requests.length).toBeGreaterThan(5000);
    const failures: string[] = [];
    for (let i = 0; i < requests.length; i += 64) {
      await Promise.all(requests.slice(i, i + 64).map(async (q) => {
        const mutating = !['GET', 'HEAD', 'OPTIONS'].includes(q.method);
        const r = await app.inject({ ...q, ...(mutating ? { payload: job } : {}) });
        if (r.statusCode !== 401) failures.push(`${q.method} ${q.url} ${JSON.stringify(q.headers)} -> ${r.statusCode} ${r.body.slice(0, 80)}`);
        else if (q.method !== 'HEAD' && !oneLine401(r.body)) failures.push(`${q.method} ${q.url}: body ${r.body.slice(0, 120)}`);
      }));
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('answers URLs the router cannot decode (or 401s them) with a one-line 4xx that echoes nothing, and nothing changes', async () => {
    const before = await snapshot();
    for (const url of ['/%zz', '/j%obs', `/jobs/${jobId}%`, '/%61dmin/queues/%E0%A4%A', `/jobs/${'a'.repeat(600)}`]) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const r = await app.inject({ method: method as 'GET', url, ...(method === 'POST' ? { payload: job } : {}) });
        expect([400, 401, 414], `${method} ${url}`).toContain(r.statusCode);
        const b = r.json() as Record<string, unknown>;
        expect(Object.keys(b).join()).toBe('error,message');
        expect(String(b.message)).not.toContain(url.slice(1, 8));
      }
    }
    expect(await snapshot()).toEqual(before);
  });
});
