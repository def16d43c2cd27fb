// Cancel and clean-up find a job's keys with SCAN instead of looping over the
// epochs it asked for: a job with the largest allowed epoch count is
// cancelled leaving no scratch keys and no BullMQ entries, while its record
// and another job's keys stay; round-scoped keys and round job ids included.
// (Assertions on keys, never on time.)
import { afterAll, describe, expect, it } from 'vitest';
import { limits } from '@tensorpool/core';
import { QueueClient } from './client.js';
import { Coordinator } from './coordinator.js';
import { scratchKeysOf } from './cleanup.js';
import { dropPrefix, testPrefix, tmpDir, until } from './fixtures.test-util.js';

const prefix = testPrefix('cancel');
const { dir, cleanup } = tmpDir('tp-cancel-');
const client = new QueueClient({ prefix });
const coordinator = new Coordinator({ prefix, modelsDir: dir, threads: 1 });
afterAll(async () => {
  await coordinator.close();
  await dropPrefix(client.redis, prefix);
  await client.close();
  cleanup();
});

const spec = {
  name: 'tiny', inputShape: [28, 28, 1], labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  layers: [{ type: 'conv2d', filters: 2, kernelSize: 3 }, { type: 'maxPooling2d', poolSize: 4 }, { type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }],
};

describe('cancel of a job with the most epochs allowed', () => {
  it('removes exactly the keys that exist', async () => {
    const k = client.keys;
    await coordinator.start();
    const epochs = limits().epochs;
    const { jobId } = await client.enqueue({ spec, data: 'fashion-mnist', epochs, shards: 3 });
    const other = (await client.enqueue({ spec, data: 'fashion-mnist', epochs: 1 })).jobId;
    // The coordinator starts the job: initial weights and epoch 0's flow (no workers, so its shards wait).
    await until(async () => (await client.queues.epochs.getJob(k.epochJobId(jobId, 0))) !== undefined);
    await until(async () => (await client.status(jobId)).state === 'running');
    // What a few epochs of training would have left behind.
    await client.redis.set(k.weights(jobId, 1), 'x');
    await client.redis.hset(k.result(jobId, 1, 2), 'meta', '{}');
    await client.redis.hset(k.shardAdam(jobId, 0), 'step', '3');
    await client.redis.hset(k.progress(jobId), '0', '0.5');
    await client.redis.hset(k.epochMetrics(jobId), '1', '{}');
    // ... and of rounds (keys.ts: round-scoped keys and BullMQ ids of round r > 0; no worker takes the shard).
    await client.redis.set(k.weights(jobId, 1, 2), 'x');
    await client.redis.hset(k.outer(jobId, 1, 2), 'u', 'x');
    await client.redis.hset(k.result(jobId, 1, 0, 2), 'meta', '{}');
    await client.redis.hset(k.roundMetrics(jobId), '2.3', '{}');
    await client.queues.shards.add('shard', { jobId, epoch: 1, shard: 0, shards: 3, round: 2 }, { jobId: k.shardJobId(jobId, 1, 0, 2) });
    await client.redis.set(k.weights(other, 5), 'keep me');
    expect((await scratchKeysOf(client.redis, k, jobId)).length).toBeGreaterThanOrEqual(9);
    expect(await client.redis.keys(`${k.bullPrefix}:*:${jobId}-e1r2*`)).not.toEqual([]);

    expect(await client.cancel(jobId)).toEqual({ cancelled: true, state: 'cancelled' });

    expect(await scratchKeysOf(client.redis, k, jobId)).toEqual([]);
    const left = (await client.redis.keys(`${prefix}:job:${jobId}*`)).sort();
    expect(left).toEqual([k.job(jobId), k.epochMetrics(jobId)].sort());
    expect(await client.redis.keys(`${k.bullPrefix}:*:${jobId}-e*`)).toEqual([]);
    expect(await client.queues.train.getJob(jobId)).toBeUndefined();
    expect(await client.redis.get(k.weights(other, 5))).toBe('keep me');
    expect(await client.redis.sismember(k.active, jobId)).toBe(0);
  });
});
