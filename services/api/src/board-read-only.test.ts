// Bull Board is read-only unless an admin token is configured: without one its
// queues report readOnlyMode and a retry/clean/pause request is refused (403)
// whatever the credential; with one, only the admin token (bearer or session)
// may change queues, while reads accept either token. Refusals change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ApiServer } from './server.js';

const token = 'board-tok-0123456789';
const adminToken = 'board-adm-0123456789';
const job = { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 1 };
const user = { authorization: `Bearer ${token}` };
const admin = { authorization: `Bearer ${adminToken}` };
const mutations: ['PUT' | 'POST', string][] = [['PUT', '/admin/queues/api/queues/train/clean/failed'], ['PUT', '/admin/queues/api/queues/train/retry/failed'],
  ['PUT', '/admin/queues/api/queues/train/pause'], ['PUT', '/admin/queues/api/queues/pause'], ['POST', '/admin/queues/api/queues/train/add']];
let ro: ApiServer;
let rw: ApiServer;

beforeAll(async () => {
  ro = await buildServer({ prefix: `tp-test-board-ro-${process.pid}`, token });
  rw = await buildServer({ prefix: `tp-test-board-rw-${process.pid}`, token, adminToken });
});
afterAll(async () => {
  for (const app of [ro, rw]) {
    const ks = await app.queueClient.redis.keys(`${app.queueClient.keys.prefix}:*`);
    if (ks.length) await app.queueClient.redis.del(...ks);
    await app.close();
  }
});

async function sessionOf(app: ApiServer, secret: string): Promise<Record<string, string>> {
  const r = await app.inject({ method: 'GET', url: `/admin/queues?token=${secret}` });
  expect(r.statusCode).toBe(303);
  return { cookie: String(r.headers['set-cookie']).split(';')[0] };
}

describe('Bull Board authorization', () => {
  it('without an admin token: queues are read-only and every change is refused', async () => {
    await ro.inject({ method: 'POST', url: '/jobs', headers: user, payload: job });
    const before = await ro.queueClient.queues.train.getJobCounts();
    const list = await ro.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: user });
    expect(list.statusCode).toBe(200);
    const queues = (list.json() as { queues: { name: string; readOnlyMode: boolean }[] }).queues;
    expect(queues.map((q) => q.name).sort()).toEqual(['epochs', 'shards', 'train']);
    for (const q of queues) expect(q.readOnlyMode).toBe(true);
    const session = await sessionOf(ro, token);
    for (const [method, url] of mutations) {
      for (const headers of [user, session]) {
        const r = await ro.inject({ method, url, headers, payload: { name: 'x', data: {} } });
        expect(r.statusCode, url).toBe(403);
        expect(r.json().message).toMatch(/read-only: start the API with TENSORPOOL_ADMIN_TOKEN/);
      }
    }
    expect(await ro.queueClient.queues.train.isPaused()).toBe(false);
    expect(await ro.queueClient.queues.train.getJobCounts()).toEqual(before);
  });

  it('with an admin token: reads accept either token, changes need the admin one', async () => {
    const userSession = await sessionOf(rw, token);
    const adminSession = await sessionOf(rw, adminToken);
    for (const headers of [user, admin, userSession, adminSession]) {
      const r = await rw.inject({ method: 'GET', url: '/admin/queues/api/queues', headers });
      expect(r.statusCode).toBe(200);
      for (const q of (r.json() as { queues: { readOnlyMode: boolean }[] }).queues) expect(q.readOnlyMode).toBe(false);
    }
    for (const headers of [user, userSession]) {
      const r = await rw.inject({ method: 'PUT', url: '/admin/queues/api/queues/train/pause', headers });
      expect(r.statusCode).toBe(403);
      expect(r.json().message).toMatch(/needs the admin token/);
    }
    expect(await rw.queueClient.queues.train.isPaused()).toBe(false);
    expect((await rw.inject({ method: 'PUT', url: '/admin/queues/api/queues/train/pause', headers: adminSession })).statusCode).toBe(200);
    expect(await rw.queueClient.queues.train.isPaused()).toBe(true);
    expect((await rw.inject({ method: 'PUT', url: '/admin/queues/api/queues/train/resume', headers: admin })).statusCode).toBe(200);
    expect(await rw.queueClient.queues.train.isPaused()).toBe(false);
    // The admin token also opens the job routes.
    expect((await rw.inject({ method: 'GET', url: '/jobs', headers: admin })).statusCode).toBe(200);
  });
});
