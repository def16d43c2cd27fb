import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createKeys } from './keys.js';
import { connectRedis } from './redis.js';
import { hasShardResult, loadShardResult, storeShardResult } from './results.js';

const keys = createKeys(`tp-test-results-${process.pid}`);
let redis: Redis;
const meta = (worker: string, samples = 10) => ({ samples, loss: 1, accuracy: 0.5, seconds: 1, adamStep: 3, worker });

beforeAll(() => {
  redis = connectRedis();
});
afterAll(async () => {
  const ks = await redis.keys(`${keys.prefix}:*`);
  if (ks.length) await redis.del(...ks);
  await redis.quit();
});

describe('shard results', () => {
  it('are stored once: a duplicate delivery neither replaces nor double-counts the first', async () => {
    const ref = { jobId: 'j1', epoch: 0, shard: 1, expected: 3 };
    const first = Float32Array.from([1, 2, 3]);
    expect(await storeShardResult(redis, keys, ref, { weights: first, meta: meta('w-a') })).toBe(true);
    expect(await storeShardResult(redis, keys, ref, { weights: Float32Array.from([9, 9, 9]), meta: meta('w-b', 99) })).toBe(false);
    const r = await loadShardResult(redis, keys, ref);
    expect(Array.from(r.weights)).toEqual([1, 2, 3]);
    expect(r.meta.worker).toBe('w-a');
    expect(r.meta.samples).toBe(10);
    expect(await redis.get(keys.shardsDone)).toBe('1');
    expect(await redis.smembers(keys.jobWorkers('j1'))).toEqual(['w-a']);
  });

  it('concurrent stores of the same shard: exactly one wins', async () => {
    const ref = { jobId: 'j2', epoch: 1, shard: 0, expected: 2 };
    const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => storeShardResult(redis, keys, ref, { weights: Float32Array.from([i, i]), meta: meta(`w${i}`) })));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const r = await loadShardResult(redis, keys, ref);
    expect(r.weights[0]).toBe(wins.indexOf(true));
  });

  it('rejects wrong sizes and NaN/Inf naming the shard, and stores nothing', async () => {
    const ref = { jobId: 'j3', epoch: 0, shard: 2, expected: 3 };
    await expect(storeShardResult(redis, keys, ref, { weights: new Float32Array(2), meta: meta('w') })).rejects.toThrow(/shard 2 of epoch 1: weights has 2 values, expected 3/);
    await expect(storeShardResult(redis, keys, ref, { weights: Float32Array.from([0, NaN, 0]), meta: meta('w') })).rejects.toThrow(/shard 2 of epoch 1: weights contains NaN at index 1/);
    await expect(storeShardResult(redis, keys, ref, { weights: Float32Array.from([0, 0, Infinity]), meta: meta('w') })).rejects.toThrow(/Infinity/);
    await expect(storeShardResult(redis, keys, ref, { weights: new Float32Array(3), m: new Float32Array(3), v: Float32Array.from([0, -Infinity, 0]), meta: meta('w') })).rejects.toThrow(/Adam v contains -Infinity/);
    expect(await hasShardResult(redis, keys, ref)).toBe(false);
  });

  it('re-validates on read: a corrupt blob written behind our back is refused', async () => {
    const ref = { jobId: 'j4', epoch: 0, shard: 0, expected: 3 };
    await redis.hset(keys.result('j4', 0, 0), 'weights', Buffer.from('TPW1garbage'), 'meta', JSON.stringify(meta('w')));
    await expect(loadShardResult(redis, keys, ref)).rejects.toThrow(/shard 0 of epoch 1 weights/);
  });
});
