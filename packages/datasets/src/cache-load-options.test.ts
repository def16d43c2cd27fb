/**
 * `cache.load(ref, opts)` applies a job's data options to a stored dataset as
 * loadDataset does to a path: the model's label order (labels remapped),
 * a shape check naming both shapes, limits by the rule of `train --limit`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '@tensorpool/core';
import { limitSamples, sampleBytes, type ImageSet } from '@tensorpool/data';
import { DatasetCache } from './cache.js';
import { pushDataset } from './push.js';
import { redisStore, testRedis, tmpDir } from './fixtures.test-util.js';
import { syntheticSplits } from './synthetic.test-util.js';

const t = testRedis('loadopts');
const samples = (s: ImageSet) => Array.from({ length: s.n }, (_, i) => `${s.classes[s.labels[i]]}:${s.images.subarray(i * sampleBytes(s), (i + 1) * sampleBytes(s)).join(',')}`);
const tmp = tmpDir();
afterAll(async () => {
  await t.cleanup();
  tmp.cleanup();
});

describe('DatasetCache.load', () => {
  it('reorders classes, checks the shape, applies limits', async () => {
    const store = redisStore(t);
    const pushed = syntheticSplits(30, 9);
    const r = await pushDataset(store, pushed, { chunkSize: 1024, name: 'abc' });
    const cache = new DatasetCache(store, { dir: tmp.dir });
    const plain = await cache.load('abc');
    expect(plain.train.classes).toEqual(['a', 'b', 'c']);

    const reordered = await cache.load('abc', { classes: ['c', 'a', 'b'], shape: [8, 8, 3] });
    expect(reordered.train.classes).toEqual(['c', 'a', 'b']);
    expect(Array.from(reordered.train.labels)).toEqual(Array.from(plain.train.labels, (l) => [1, 2, 0][l]));
    expect(reordered.train.images).toEqual(plain.train.images);

    const limited = await cache.load(r.dataset, { limit: 5, testLimit: 2 });
    expect([limited.train.n, limited.train.images.length, limited.test.n]).toEqual([5, 5 * 192, 2]);
    // The same images as the limit of the split before the push (another order: canonical vs i % 3 labels), as `train --limit`.
    const local = limitSamples(pushed.train, 5);
    expect(samples(limited.train).sort()).toEqual(samples(local).sort());
    expect(new Set(limited.train.labels).size).toBe(3); // not the first samples of the label-sorted store order

    await expect(cache.load('abc', { shape: [28, 28, 1] })).rejects.toThrow(new DataError(`dataset ${r.dataset} (abc) holds 8x8x3 images; the model expects 28x28x1 (push it again with --shape 28x28x1)`));
    await expect(cache.load('abc', { classes: ['a', 'b', 'x'] })).rejects.toThrow(/has classes \[a, b, c\]; the model's labels are \[a, b, x\]/);
    await expect(cache.load('nope')).rejects.toThrow(/dataset 'nope' is not in the dataset store \(redis prefix tp-test-datasets-loadopts/);
  });
});
