// POST /jobs answers with the samples each shard steps on, and a warning when
// the job's batch does not split evenly over its shards; GET /jobs/:id shows
// the global and the per-shard batch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './server.js';

const prefix = `tp-test-api-batch-${process.pid}`;
const token = 's3cret-token-0123456789';
const auth = { authorization: `Bearer ${token}` };
let app: Awaited<ReturnType<typeof buildServer>>;
beforeAll(async () => {
  app = await buildServer({ prefix, token });
});
afterAll(async () => {
  const ks = await app.queueClient.redis.keys(`${prefix}:*`);
  if (ks.length) await app.queueClient.redis.del(...ks);
  await app.close();
});

const post = (payload: object) => app.inject({ method: 'POST', url: '/jobs', headers: auth, payload: { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 1, ...payload } });

describe('POST /jobs: the batch split over the shards', () => {
  it('answers the shard batch, warns on an inexact split, and status shows both batches', async () => {
    const even = await post({ shards: 4, batchSize: 32 });
    expect(even.statusCode).toBe(201);
    expect(even.json()).toEqual({ jobId: expect.stringMatching(/^j[0-9a-f]{16}$/), shardBatchSize: 8 });
    const st = (await app.inject({ method: 'GET', url: `/jobs/${even.json().jobId as string}`, headers: auth })).json();
    expect([st.batchSize, st.shardBatchSize]).toEqual([32, 8]);
    const odd = await post({ shards: 3, batchSize: 32 });
    expect(odd.statusCode).toBe(201);
    expect(odd.json()).toMatchObject({ shardBatchSize: 11, warning: expect.stringMatching(/^batchSize 32 does not split evenly over 3 shards: each shard steps on 11 samples, 33 per step in all/) });
    const bad = await post({ shardBatchSize: 0 });
    expect([bad.statusCode, bad.json().message]).toEqual([400, expect.stringMatching(/shardBatchSize: must be >= 1, got 0/)]);
  });
});
