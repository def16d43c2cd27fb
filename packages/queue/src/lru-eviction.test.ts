// Long-lived processes hold bounded state: the LRU evicts the least recently
// used entries beyond its budget, and the dataset cache keeps decoded sets
// within its byte budget, decoding once for jobs that differ only in
// `limit`/`testLimit` and selecting each limit once.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LruCache } from './lru.js';
import { limitSamples } from '@tensorpool/data';
import { DatasetCache } from './datasets.js';
import { tmpDir, writeNpz } from './fixtures.test-util.js';

describe('LruCache', () => {
  it('evicts least recently used entries beyond the budget, and never keeps one larger than it', () => {
    const evicted: string[] = [];
    const c = new LruCache<string, number>(10, (k) => evicted.push(k));
    c.set('a', 1, 4);
    c.set('b', 2, 4);
    expect(c.get('a')).toBe(1); // a is now the most recent
    c.set('c', 3, 4); // 12 > 10: evicts b
    expect(evicted).toEqual(['b']);
    expect(c.keys()).toEqual(['a', 'c']);
    expect(c.usedUnits).toBe(8);
    c.set('huge', 4, 11);
    expect(c.has('huge')).toBe(false);
    c.resize('a', 9); // a grows: c (least recent now) goes
    expect(c.keys()).toEqual(['a']);
    expect(c.usedUnits).toBe(9);
    expect(c.delete('a')).toBe(true);
    expect(c.usedUnits).toBe(0);
  });
});

describe('DatasetCache', () => {
  const { dir, cleanup } = tmpDir('tp-lru-');
  afterAll(cleanup);
  // 100 train + 100 test images of 4x4x1 bytes and their labels: 2 x (1600 + 100) = 3400 bytes each.
  for (const name of ['a', 'b', 'c']) writeNpz(join(dir, `${name}.npz`), 100);
  const spec = { name: 't', inputShape: [4, 4, 1] as [number, number, number], labels: ['0', '1'], layers: [] };
  const req = (data: string, limit?: number) => ({ data, spec, ...(limit ? { limit } : {}) });

  it('keeps decoded sets within its byte budget, least recently used out first', async () => {
    const cache = new DatasetCache(8000);
    await cache.get(req('a.npz'), dir);
    await cache.get(req('b.npz'), dir);
    expect(cache.bytes).toBe(6800);
    await cache.get(req('a.npz'), dir); // touch a
    await cache.get(req('c.npz'), dir); // 10200 > 8000: b goes
    expect(cache.keys().map((k) => JSON.parse(k)[0])).toEqual([`path:${join(dir, 'a.npz')}`, `path:${join(dir, 'c.npz')}`]);
    expect(cache.bytes).toBe(6800);
  });

  it('selects a limit once (limitSamples, as train --limit) and caches it beside the one decoded set', async () => {
    const cache = new DatasetCache(8000);
    const full = await cache.get(req('a.npz'), dir);
    const some = await cache.get(req('a.npz', 10), dir);
    const other = await cache.get(req('a.npz', 20), dir);
    expect(cache.keys()).toHaveLength(3);
    expect(some.train.n).toBe(10);
    expect(other.train.n).toBe(20);
    expect(some.train.images).toEqual(limitSamples(full.train, 10).images);
    expect(some.test).toBe(full.test); // no testLimit: the cached split itself
    expect(await cache.get(req('a.npz', 10), dir)).toBe(some); // the next shard does not select again
    // The whole set, then each limited one: 10 and 20 train samples of 17 bytes plus the shared test split of 1700.
    expect(cache.bytes).toBe(3400 + (170 + 1700) + (340 + 1700));
  });

  it('does not keep a set larger than the whole budget', async () => {
    const cache = new DatasetCache(1000);
    expect((await cache.get(req('a.npz'), dir)).train.n).toBe(100);
    expect(cache.keys()).toEqual([]);
    expect(cache.bytes).toBe(0);
  });
});
