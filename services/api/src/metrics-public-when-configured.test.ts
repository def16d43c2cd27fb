// /metrics needs the token unless the operator makes it public
// (publicMetrics / TENSORPOOL_PUBLIC_METRICS=1); making it public opens nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ApiServer } from './server.js';

const token = 'metrics-tok-0123456789';
let closed: ApiServer;
let open: ApiServer;

beforeAll(async () => {
  closed = await buildServer({ prefix: `tp-test-metrics-closed-${process.pid}`, token });
  process.env.TENSORPOOL_PUBLIC_METRICS = '1';
  try {
    open = await buildServer({ prefix: `tp-test-metrics-open-${process.pid}`, token });
  } finally {
    delete process.env.TENSORPOOL_PUBLIC_METRICS;
  }
});
afterAll(async () => {
  await closed.close();
  await open.close();
});

describe('/metrics visibility', () => {
  it('is authenticated by default and public when configured, without opening other routes', async () => {
    expect((await closed.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await closed.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    const pub = await open.inject({ method: 'GET', url: '/metrics' });
    expect(pub.statusCode).toBe(200);
    expect(pub.body).toContain('tensorpool_active_workers');
    for (const url of ['/jobs', '/admin/queues', '/metrics/', '/%6Detrics/x']) expect((await open.inject({ method: 'GET', url })).statusCode, url).toBe(401);
    expect((await open.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await open.inject({ method: 'GET', url: '/docs' })).statusCode).not.toBe(401);
  });
});
