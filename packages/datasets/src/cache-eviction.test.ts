/**
 * With a budget that holds two datasets, fetching a third evicts the least
 * recently used one (not the least recently fetched), which is fetched again
 * when needed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetCache } from './cache.js';
import { pushDataset } from './push.js';
import { redisStore, testRedis, tmpDir } from './fixtures.test-util.js';
import { syntheticSplits } from './synthetic.test-util.js';

const t = testRedis('evict');
const tmp = tmpDir();
afterAll(async () => {
  await t.cleanup();
  tmp.cleanup();
});

describe('dataset cache eviction', () => {
  it('evicts the least recently used dataset and fetches it again later', async () => {
    const store = redisStore(t);
    const ids: string[] = [];
    for (const seed of [1, 2, 3]) ids.push((await pushDataset(store, syntheticSplits(80, seed), { chunkSize: 4096 })).dataset);
    const size = (await store.getManifest(ids[0]))!.bytes;
    const cache = new DatasetCache(store, { dir: tmp.dir, budgetBytes: 2 * size + 100 });
    const fetched = async (i: number) => (await cache.open(ids[i])).fetched;

    expect(await fetched(0)).toBe(true);
    expect(await fetched(1)).toBe(true);
    expect(await fetched(0)).toBe(false); // 0 is now more recently used than 1
    expect(await fetched(2)).toBe(true); // evicts 1
    expect((await cache.entries()).map((e) => e.id)).toEqual([ids[0], ids[2]]);
    expect((await cache.entries()).reduce((s, e) => s + e.bytes, 0)).toBeLessThanOrEqual(cache.budget);
    expect(await fetched(1)).toBe(true); // fetched again, evicts 0
    expect((await cache.entries()).map((e) => e.id)).toEqual([ids[2], ids[1]]);
  });
});
