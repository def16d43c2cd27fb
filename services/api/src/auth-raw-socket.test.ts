// The spellings a client library would normalise, sent raw over a real socket:
// absolute-form request targets (`GET http://host/jobs`, any host) and ';'
// parameters, against every non-public route: 401 without a valid token, and
// nothing changes. The same absolute-form target with the token reaches the handler.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ApiServer } from './server.js';
import { closeTestServer } from './testing/app.js';
import { protectedTargets } from './testing/attack.js';
import { rawRequest } from './testing/raw-http.js';

const prefix = `tp-test-auth-raw-${process.pid}`;
const token = 'raw-0123456789abcdef';
const job = JSON.stringify({ preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 1 });
let app: ApiServer;
let port: number;
let jobId: string;

beforeAll(async () => {
  app = await buildServer({ prefix, token, rateLimitMax: 1_000_000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
  const r = await rawRequest(port, 'POST', '/jobs', { authorization: `Bearer ${token}` }, job);
  expect(r.status).toBe(201);
  jobId = (JSON.parse(r.body) as { jobId: string }).jobId;
});
afterAll(() => closeTestServer(app, prefix));

describe('auth over a real socket', () => {
  it('routes absolute-form targets to the handler when the token is right', async () => {
    const r = await rawRequest(port, 'GET', `http://evil.example/jobs/${jobId}`, { authorization: `Bearer ${token}` });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ id: jobId, state: 'queued' });
  });

  it('answers 401 to absolute-form and ;-parameter targets of every route without a valid token, and nothing changes', async () => {
    const { redis, keys } = app.queueClient;
    const jobsBefore = await redis.zrange(keys.jobs, 0, -1);
    const countsBefore = await app.queueClient.queues.train.getJobCounts();
    const failures: string[] = [];
    for (const t of protectedTargets(app.routeList, { id: jobId, queueName: 'train', jobId, queueStatus: 'waiting' })) {
      const body = ['GET', 'HEAD'].includes(t.method) ? '' : job;
      for (const target of [`http://127.0.0.1:${port}${t.path}`, `http://evil.example${t.path}`, `HTTP://127.0.0.1${t.path}`, `${t.path};a=b`, `http://x${t.path};a=b`]) {
        for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
          const r = await rawRequest(port, t.method, target, headers, body);
          if (r.status !== 401) failures.push(`${t.method} ${target} -> ${r.status} ${r.body.slice(0, 80)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await redis.zrange(keys.jobs, 0, -1)).toEqual(jobsBefore);
    expect((await app.queueClient.status(jobId)).state).toBe('queued');
    expect(await app.queueClient.queues.train.getJobCounts()).toEqual(countsBefore);
  });
});
