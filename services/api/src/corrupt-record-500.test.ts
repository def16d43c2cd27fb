// A job record (or its metrics) in Redis that fails validation is answered
// as 500 { error: 'corrupt_record', message naming the job and field }: never
// a bare 500, a stack or the raw value; the list shows the job as a
// 'corrupt' row and still lists the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ApiServer } from './server.js';
import { closeTestServer } from './testing/app.js';

const prefix = `tp-test-corrupt-record-${process.pid}`;
const token = 'corrupt-tok-0123456789';
const auth = { authorization: `Bearer ${token}` };
const job = { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 2 };
let app: ApiServer;

beforeAll(async () => {
  app = await buildServer({ prefix, token, rateLimitMax: 1_000_000 });
});
afterAll(() => closeTestServer(app, prefix));

async function enqueue(): Promise<string> {
  const r = await app.inject({ method: 'POST', url: '/jobs', headers: auth, payload: job });
  expect(r.statusCode).toBe(201);
  return r.json().jobId as string;
}

function expectCorrupt(r: { statusCode: number; body: string; json(): unknown }, message: RegExp): void {
  expect(r.statusCode).toBe(500);
  expect(r.json()).toEqual({ error: 'corrupt_record', message: expect.stringMatching(message) });
  expect(r.body).not.toMatch(/\n\s+at |stack|node_modules|ZodError/);
}

describe('a corrupt job record in Redis', () => {
  it('is a 500 corrupt_record naming the job and field on every job route, and a row in the list', async () => {
    const good = await enqueue();
    const bad = await enqueue();
    const { redis, keys } = app.queueClient;
    await redis.hset(keys.job(bad), { epoch: 'NaN<script>', options: '{"epochs":' });
    const field = new RegExp(`^job ${bad}: corrupt record in Redis: epoch: must be a non-negative integer`);
    expectCorrupt(await app.inject({ method: 'GET', url: `/jobs/${bad}`, headers: auth }), field);
    expectCorrupt(await app.inject({ method: 'GET', url: `/jobs/${bad}/metrics`, headers: auth }), field);
    expectCorrupt(await app.inject({ method: 'DELETE', url: `/jobs/${bad}`, headers: auth }), field);

    const list = await app.inject({ method: 'GET', url: '/jobs', headers: auth });
    expect(list.statusCode).toBe(200);
    const rows = list.json().jobs as { id: string; state: string; code?: string; error?: string }[];
    expect(rows.find((r) => r.id === bad)).toEqual({ id: bad, state: 'corrupt', code: 'E_CORRUPT', error: expect.stringMatching(field) });
    expect(rows.find((r) => r.id === good)).toMatchObject({ id: good, state: 'queued' });
    expect((await app.inject({ method: 'GET', url: `/jobs/${good}`, headers: auth })).statusCode).toBe(200);
  });

  it('is a 500 corrupt_record for corrupt test metrics of a completed job, not a 409', async () => {
    const id = await enqueue();
    const { redis, keys } = app.queueClient;
    await redis.hset(keys.job(id), { state: 'completed', epoch: '2', finishedAt: String(Date.now()) });
    await redis.set(keys.metrics(id), JSON.stringify({ testLoss: 'x', testAccuracy: 7 }));
    expectCorrupt(await app.inject({ method: 'GET', url: `/jobs/${id}/metrics`, headers: auth }), new RegExp(`^job ${id}: corrupt test metrics in Redis: `));
  });
});
