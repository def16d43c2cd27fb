/**
 * A cold cache fetches every chunk once; a warm one (a new process, same
 * directory) fetches nothing and returns the same tensors; two concurrent
 * fetches of one dataset on one machine download it once.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type ImageSet } from '@tensorpool/data';
import { DatasetCache } from './cache.js';
import { pushDataset, type PushResult } from './push.js';
import { canonicalOrder } from './serialize.js';
import { redisStore, testRedis, tmpDir, writeImageFolder } from './fixtures.test-util.js';

const t = testRedis('coldwarm');
const tmp = tmpDir();
const OPTS = { shape: [24, 24, 3] as [number, number, number] };
let pushed: PushResult;
let original: Awaited<ReturnType<typeof loadDataset>>;
afterAll(async () => {
  await t.cleanup();
  tmp.cleanup();
});
beforeAll(async () => {
  await writeImageFolder(join(tmp.dir, 'imgs'), { classes: ['ant', 'bee'], perClass: 12, size: 30 });
  original = await loadDataset(join(tmp.dir, 'imgs'), OPTS);
  pushed = await pushDataset(redisStore(t), original, { chunkSize: 8192, name: 'bugs' });
});

/** The set's samples in canonical order, as one buffer per image and label. */
function canonical(s: ImageSet): { images: Buffer[]; labels: number[] } {
  const per = s.shape[0] * s.shape[1] * s.shape[2];
  const order = Array.from(canonicalOrder(s));
  return { images: order.map((i) => Buffer.from(s.images.subarray(i * per, (i + 1) * per))), labels: order.map((i) => s.labels[i]) };
}

describe('dataset cache', () => {
  it('fetches on a cold cache, reuses a warm one after a restart, same tensors as loadDataset', async () => {
    const dir = join(tmp.dir, 'cache1');
    const cold = await new DatasetCache(redisStore(t), { dir }).open('bugs');
    expect(cold).toMatchObject({ fetched: true, chunksFetched: pushed.chunks, chunksRefetched: 0 });
    const warm = await new DatasetCache(redisStore(t), { dir }).open(pushed.dataset);
    expect(warm).toMatchObject({ fetched: false, chunksFetched: 0 });
    for (const got of [cold.splits, warm.splits]) {
      expect(got.train.images.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(got.train.classes).toEqual(['ant', 'bee']);
      expect(got.train.shape).toEqual([24, 24, 3]);
      expect(canonical(got.train)).toEqual(canonical(original.train));
      expect(canonical(got.test)).toEqual(canonical(original.test));
    }
  });

  it('downloads once when two fetches of the same dataset run at the same time', async () => {
    const dir = join(tmp.dir, 'cache2');
    const caches = [0, 1].map(() => new DatasetCache(redisStore(t), { dir }));
    const results = await Promise.all(caches.map((c) => c.open(pushed.dataset)));
    expect(results.map((r) => r.fetched).sort()).toEqual([false, true]);
    expect(results.reduce((s, r) => s + r.chunksFetched, 0)).toBe(pushed.chunks);
    expect(canonical(results[0].splits.train)).toEqual(canonical(results[1].splits.train));
  });
});
