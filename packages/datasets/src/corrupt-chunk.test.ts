/**
 * A chunk whose bytes no longer match the manifest is fetched once more; if
 * the second copy is good the fetch goes on, otherwise it fails naming the
 * dataset and the chunk, and nothing is left in the cache.
 */
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '@tensorpool/core';
import { DatasetCache } from './cache.js';
import { pushDataset } from './push.js';
import { redisStore, testRedis, tmpDir } from './fixtures.test-util.js';
import { syntheticSplits } from './synthetic.test-util.js';

const t = testRedis('corrupt');
const tmp = tmpDir();
afterAll(async () => {
  await t.cleanup();
  tmp.cleanup();
});

describe('corrupt chunk in Redis', () => {
  it('is detected, fetched again, and fails with the dataset and chunk named when still corrupt', async () => {
    const store = redisStore(t);
    const r = await pushDataset(store, syntheticSplits(80, 1), { chunkSize: 4096 });
    expect(r.chunks).toBeGreaterThan(3);
    const key = store.keys.chunk(r.dataset.slice(7), 2);
    const good = (await t.redis.getBuffer(key))!;
    const bad = Buffer.from(good);
    bad[100] ^= 0xff;
    await t.redis.set(key, bad);

    const refetched: number[] = [];
    const cache = new DatasetCache(store, { dir: `${tmp.dir}/a`, onRefetch: (i) => void refetched.push(i.chunk) });
    const err = await cache.open(r.dataset).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toContain(`dataset ${r.dataset} chunk 2 of ${r.chunks} is corrupt`);
    expect(refetched).toEqual([2]);
    expect(readdirSync(`${tmp.dir}/a`).filter((f) => !f.endsWith('.lock'))).toEqual([]);

    // Corrupt once (the refetch hook puts the good bytes back, like a transient error): the second copy is used.
    const healing = new DatasetCache(store, { dir: `${tmp.dir}/b`, onRefetch: () => t.redis.set(key, good).then(() => undefined) });
    const ok = await healing.open(r.dataset);
    expect(ok.fetched).toBe(true);
    expect(ok.chunksRefetched).toBe(1);
    expect(ok.chunksFetched).toBe(r.chunks + 1);
    expect(ok.splits.train.n).toBe(80);
  });
});
