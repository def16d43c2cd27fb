// 'per-shard' Adam state: the coordinator copies a shard result's moments to
// the shard's Adam state inside Redis (keepShardAdam) and streams the result
// without them, so m and v never travel to it and back. The copy is exactly
// what the worker stored; a result without moments copies nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { createKeys } from './keys.js';
import { connectRedis } from './redis.js';
import { getAdam } from './blobs.js';
import { keepShardAdam, loadShardResult, storeShardResult } from './results.js';

const keys = createKeys(`tp-test-keep-adam-${process.pid}`);
const redis = connectRedis();
const meta = { samples: 10, loss: 1, accuracy: 0.5, seconds: 1, adamStep: 7, worker: 'w' };
afterAll(async () => {
  const ks = await redis.keys(`${keys.prefix}:*`);
  if (ks.length) await redis.del(...ks);
  await redis.quit();
});

describe('per-shard Adam state kept inside Redis', () => {
  it('copies m, v and the step; the streamed result leaves the moments out', async () => {
    const ref = { jobId: 'j1', epoch: 2, round: 1, shard: 3, expected: 3 };
    const [w, m, v] = [[1, 2, 3], [0.5, -0.25, 1e-8], [4, 5, 6]].map((x) => Float32Array.from(x));
    await storeShardResult(redis, keys, ref, { weights: w, m, v, meta });
    expect(await keepShardAdam(redis, keys, ref, 7)).toBe(true);
    const kept = await getAdam(redis, keys.shardAdam('j1', 3), 3);
    expect([Array.from(kept!.m), Array.from(kept!.v), kept!.step]).toEqual([Array.from(m), Array.from(v), 7]);
    const slim = await loadShardResult(redis, keys, ref, { moments: false });
    expect([Array.from(slim.weights), slim.m, slim.v]).toEqual([[1, 2, 3], undefined, undefined]);
    expect(Array.from((await loadShardResult(redis, keys, ref)).m!)).toEqual(Array.from(m));
  });

  it('writes nothing for a result without moments', async () => {
    const ref = { jobId: 'j2', epoch: 0, shard: 0, expected: 2 };
    await storeShardResult(redis, keys, ref, { weights: Float32Array.from([1, 2]), meta });
    expect(await keepShardAdam(redis, keys, ref, 7)).toBe(false);
    expect(await redis.exists(keys.shardAdam('j2', 0))).toBe(0);
  });
});
