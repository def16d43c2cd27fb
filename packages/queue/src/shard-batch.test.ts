// A distributed job's batchSize is the global batch, split over the shards
// (shardBatchFor); shardBatchSize overrides it. The activation bound applies
// to the shard batch (what a worker allocates), enqueue warns when the split
// is not exact, status shows both, and a record stored before the option
// existed still means what it meant (each shard a whole batch, once per
// epoch, plain averaging).
import { afterAll, describe, expect, it } from 'vitest';
import { limits } from '@tensorpool/core';
import { estimateActivationBytes, getPreset } from '@tensorpool/engine';
import { QueueClient } from './client.js';
import { parseJobPayload, shardBatchFor } from './schema.js';
import { dropPrefix, testPrefix } from './fixtures.test-util.js';

const ok = { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 1 };
const parse = (extra: object) => parseJobPayload({ ...ok, ...extra });

describe('batch split over the shards', () => {
  it('splits batchSize over the shards unless shardBatchSize is given', () => {
    expect([2, 4, 8, 3, 5, 64].map((S) => parse({ shards: S, batchSize: 32 }).shardBatchSize)).toEqual([16, 8, 4, 11, 6, 1]);
    expect(shardBatchFor(32, 1)).toBe(32);
    expect(parse({ shards: 4, batchSize: 32, shardBatchSize: 32 }).shardBatchSize).toBe(32);
    expect(() => parse({ shardBatchSize: 0 })).toThrow(/shardBatchSize: must be >= 1, got 0/);
    expect(() => parse({ shardBatchSize: 1025 })).toThrow(/shardBatchSize: must be <= 1024, got 1025/);
    expect(() => parse({ shardBatchSize: 2.5 })).toThrow(/shardBatchSize: must be an integer/);
  });

  it('bounds the activation memory of the shard batch, naming the field that set it', () => {
    const spec = getPreset('fashion-mnist');
    const l = limits({ TENSORPOOL_MAX_ACTIVATION_BYTES: String(estimateActivationBytes(spec, 8)) });
    expect(parseJobPayload({ ...ok, shards: 4, batchSize: 32 }, l).shardBatchSize).toBe(8);
    expect(() => parseJobPayload({ ...ok, shards: 2, batchSize: 32 }, l)).toThrow(/preset: activations of one batch of 16 .*\(lower batchSize/);
    expect(() => parseJobPayload({ ...ok, shards: 4, batchSize: 32, shardBatchSize: 9 }, l)).toThrow(/preset: activations of one batch of 9 .*\(lower shardBatchSize/);
  });
});

const prefix = testPrefix('shard-batch');
const client = new QueueClient({ prefix });
afterAll(async () => {
  await dropPrefix(client.redis, prefix);
  await client.close();
});

describe('batch split: enqueue, status and stored records', () => {
  it('warns when the split is not exact, and status shows the shard batch', async () => {
    const even = await client.enqueue({ ...ok, shards: 4, batchSize: 32 });
    expect(even).toEqual({ jobId: even.jobId, shardBatchSize: 8 });
    expect(await client.status(even.jobId)).toMatchObject({ batchSize: 32, shardBatchSize: 8 });
    const odd = await client.enqueue({ ...ok, shards: 3, batchSize: 32 });
    expect(odd.shardBatchSize).toBe(11);
    expect(odd.warning).toBe('batchSize 32 does not split evenly over 3 shards: each shard steps on 11 samples, 33 per step in all (give a batchSize that is a multiple of shards, or shardBatchSize)');
    // A chosen shard batch is what the caller asked for: no warning.
    const chosen = await client.enqueue({ ...ok, shards: 4, batchSize: 32, shardBatchSize: 32 });
    expect(chosen).toEqual({ jobId: chosen.jobId, shardBatchSize: 32 });
  });

  it('reads a record stored before shardBatchSize, syncEvery and outer existed with the meaning it had', async () => {
    const { jobId } = await client.enqueue({ ...ok, shards: 8, batchSize: 16 });
    const now = await client.status(jobId);
    expect([now.shardBatchSize, now.syncEvery, now.outer.kind]).toEqual([2, 4, 'nesterov']);
    const stored = JSON.parse((await client.redis.hget(client.keys.job(jobId), 'options'))!) as Record<string, unknown>;
    delete stored.shardBatchSize;
    delete stored.syncEvery;
    delete stored.outer;
    await client.redis.hset(client.keys.job(jobId), 'options', JSON.stringify(stored));
    const old = await client.status(jobId);
    expect([old.batchSize, old.shardBatchSize, old.syncEvery, old.outer.kind]).toEqual([16, 16, 1, 'average']);
  });
});
