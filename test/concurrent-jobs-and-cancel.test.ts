// Through the HTTP API run as a process (`tensorpool serve`, bearer auth on):
// two jobs run at once on the same workers; one is cancelled mid-run (its
// shards stop, its blobs are deleted), the other completes. GET /metrics
// reports the queue.
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, TINY_SPEC } from './support/cluster.js';

const token = 'e2e-token-0123456789';
const c = new Cluster('cancel', { TENSORPOOL_API_TOKEN: token });
afterAll(() => c.close());

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('several jobs at once, cancel', () => {
  it('runs two jobs concurrently, cancels one through the API, completes the other', { timeout: 300_000 }, async () => {
    const port = await freePort();
    c.start('api', ['serve', '--port', String(port), '--host', '127.0.0.1']);
    c.coordinator();
    c.worker('w1');
    c.worker('w2');
    const base = `http://127.0.0.1:${port}`;
    await c.waitFor('the API', async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok, 30_000);
    const api = (path: string, init: RequestInit = {}, auth = true) =>
      fetch(base + path, { ...init, headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...(auth ? { authorization: `Bearer ${token}` } : {}), ...init.headers } });

    const unauth = await api('/jobs', { method: 'POST', body: '{}' }, false);
    expect(unauth.status).toBe(401);

    const body = (epochs: number, limit: number) => JSON.stringify({ spec: TINY_SPEC, data: 'fashion-mnist', epochs, shards: 2, limit, testLimit: 100, batchSize: 16, learningRate: 0.003, seed: 3 });
    const long = (await (await api('/jobs', { method: 'POST', body: body(6, 2048) })).json()) as { jobId: string };
    const short = (await (await api('/jobs', { method: 'POST', body: body(1, 256) })).json()) as { jobId: string };

    // Cancel the long job once it is training.
    await c.waitFor('the long job to train', async () => {
      const s = (await (await api(`/jobs/${long.jobId}`)).json()) as { state: string; progress: number };
      return s.state === 'running' && s.progress > 0;
    }, 120_000);
    const del = await api(`/jobs/${long.jobId}`, { method: 'DELETE' });
    expect(await del.json()).toEqual({ jobId: long.jobId, cancelled: true, state: 'cancelled' });

    const shortDone = await c.waitForState(short.jobId);
    expect(shortDone.state, `${shortDone.error}\n${c.logs()}`).toBe('completed');
    const cancelled = await c.client.status(long.jobId);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.epoch).toBeLessThan(6);
    // No blobs of the cancelled job remain, and no shard of it is left in the queue.
    await c.waitFor('cancelled shards to stop', async () => {
      const active = await c.client.queues.shards.getJobs(['active', 'wait']);
      return !active.some((j) => j?.data.jobId === long.jobId);
    }, 30_000);
    expect(await c.client.redis.keys(`${c.client.keys.job(long.jobId)}:weights:*`)).toEqual([]);
    expect((await c.client.status(long.jobId)).state).toBe('cancelled');

    const list = (await (await api('/jobs')).json()) as { jobs: { id: string; state: string }[] };
    expect(Object.fromEntries(list.jobs.map((j) => [j.id, j.state]))).toEqual({ [long.jobId]: 'cancelled', [short.jobId]: 'completed' });
    const metrics = (await (await api(`/jobs/${short.jobId}/metrics`)).json()) as { testAccuracy: number };
    expect(metrics.testAccuracy).toBeGreaterThan(0.1);
    expect((await api('/metrics', {}, false)).status).toBe(401); // /metrics is public only with TENSORPOOL_PUBLIC_METRICS=1
    const prom = await (await api('/metrics')).text();
    expect(prom).toMatch(/^tensorpool_active_workers 2$/m);
    expect(prom).toMatch(/^tensorpool_jobs_active 0$/m);
  });
});
