// The HTTP API against the real Redis (own key prefix): auth, validation
// messages, job lifecycle routes, health, Prometheus text, OpenAPI, Bull Board.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './server.js';
import { closeTestServer } from './testing/app.js';

const prefix = `tp-test-api-${process.pid}`;
const token = 's3cret-token-0123456789';
let app: Awaited<ReturnType<typeof buildServer>>;
const auth = { authorization: `Bearer ${token}` };

beforeAll(async () => {
  app = await buildServer({ prefix, token });
});
afterAll(() => closeTestServer(app, prefix));

describe('HTTP API', () => {
  it('refuses job routes without or with a wrong bearer token, with a clear message', async () => {
    const none = await app.inject({ method: 'GET', url: '/jobs' });
    expect(none.statusCode).toBe(401);
    expect(none.json().message).toMatch(/missing Authorization header/);
    const wrong = await app.inject({ method: 'POST', url: '/jobs', headers: { authorization: 'Bearer nope' }, payload: {} });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().message).toBe('wrong bearer token');
    expect((await app.inject({ method: 'DELETE', url: '/jobs/x' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/admin/queues' })).statusCode).toBe(401);
    // Probes and scrapers stay open.
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
  });

  it('refuses malformed jobs with 400 naming the field', async () => {
    const post = async (payload: unknown) => {
      const r = await app.inject({ method: 'POST', url: '/jobs', headers: auth, payload: payload as object });
      expect(r.statusCode).toBe(400);
      return r.json().message as string;
    };
    expect(await post({ preset: 'fashion-mnist', epochs: 2 })).toMatch(/data: is required/);
    expect(await post({ preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 'two' })).toMatch(/epochs: must be a number, got string/);
    expect(await post({ preset: 'fashion-mnist', data: 'fashion-mnist', epochs: -1 })).toMatch(/epochs: must be >= 1/);
    expect(await post({ preset: 'nope', data: 'fashion-mnist', epochs: 1 })).toMatch(/preset: unknown preset 'nope'/);
    const bad = await app.inject({ method: 'POST', url: '/jobs', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"epochs": ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^request body is not valid JSON: /);
    expect(await post(undefined)).toMatch(/a job payload is required/);
  });

  it('queues, shows, refuses metrics before completion, cancels, and 404s unknown jobs', async () => {
    const created = await app.inject({ method: 'POST', url: '/jobs', headers: auth, payload: { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 3, shards: 2 } });
    expect(created.statusCode).toBe(201);
    const { jobId } = created.json() as { jobId: string };
    const st = (await app.inject({ method: 'GET', url: `/jobs/${jobId}`, headers: auth })).json();
    expect(st).toMatchObject({ id: jobId, state: 'queued', epoch: 0, epochs: 3, shards: 2, progress: 0 });
    const list = (await app.inject({ method: 'GET', url: '/jobs', headers: auth })).json();
    expect(list.jobs.map((j: { id: string }) => j.id)).toContain(jobId);
    const m = await app.inject({ method: 'GET', url: `/jobs/${jobId}/metrics`, headers: auth });
    expect(m.statusCode).toBe(409);
    expect(m.json().message).toMatch(/is queued/);
    const del = await app.inject({ method: 'DELETE', url: `/jobs/${jobId}`, headers: { ...auth, 'content-type': 'application/json' } });
    expect(del.json()).toEqual({ jobId, cancelled: true, state: 'cancelled' });
    expect((await app.inject({ method: 'DELETE', url: `/jobs/${jobId}`, headers: auth })).json()).toMatchObject({ cancelled: false, state: 'cancelled' });
    const missing = await app.inject({ method: 'GET', url: '/jobs/j0000000000000000', headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toBe("no job 'j0000000000000000'");
  });

  it('serves Prometheus metrics, the OpenAPI description and Bull Board', async () => {
    // /metrics needs the token unless the operator makes it public (publicMetrics).
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const prom = await app.inject({ method: 'GET', url: '/metrics', headers: auth });
    expect(prom.headers['content-type']).toMatch(/text\/plain/);
    for (const name of ['tensorpool_queue_depth{state="waiting"}', 'tensorpool_active_workers', 'tensorpool_shards_done', 'tensorpool_images_per_second']) expect(prom.body).toContain(name);
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/jobs', '/jobs/{id}', '/jobs/{id}/metrics', '/healthz', '/metrics']));
    const board = await app.inject({ method: 'GET', url: '/admin/queues', headers: auth });
    expect(board.statusCode).toBe(200);
    expect(board.body).toMatch(/<html/i);
    // A browser opens the dashboard with ?token= once, is redirected to the URL without it,
    // then rides on a session cookie (cookie.test.ts checks the cookie itself).
    const viaQuery = await app.inject({ method: 'GET', url: `/admin/queues?token=${token}` });
    expect(viaQuery.statusCode).toBe(303);
    expect(viaQuery.headers.location).toBe('/admin/queues');
    const setCookie = String(viaQuery.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    const api = await app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { cookie: setCookie.split(';')[0] } });
    expect(api.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/admin/queues?token=wrong' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/jobs?token=' + token })).statusCode).toBe(401);
  });
});
