/**
 * The shared-directory backend (file://root): push, list by name, fetch into
 * a cache, remove; ids and names that would leave the root are refused.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '@tensorpool/core';
import { DatasetCache } from './cache.js';
import { FileDatasetStore } from './file-store.js';
import { openDatasetStore } from './open-store.js';
import { pushDataset } from './push.js';
import { tmpDir, testRedis } from './fixtures.test-util.js';
import { syntheticSplits } from './synthetic.test-util.js';

const tmp = tmpDir();
const t = testRedis('filestore');
afterAll(async () => {
  await t.cleanup();
  tmp.cleanup();
});

describe('file:// dataset store', () => {
  it('is chosen by TENSORPOOL_DATASET_STORE and round-trips a dataset through a cache', async () => {
    const root = join(tmp.dir, 'shared');
    const store = openDatasetStore(t.redis, { env: { TENSORPOOL_DATASET_STORE: `file://${root}` } });
    expect(store).toBeInstanceOf(FileDatasetStore);
    const r = await pushDataset(store, syntheticSplits(60, 5), { chunkSize: 4096, name: 'shared-set' });
    expect(readdirSync(join(root, 'datasets', r.dataset.slice(7))).sort()).toEqual([...Array.from({ length: r.chunks }, (_, i) => `${i}.chunk`).sort(), 'manifest.json'].sort());
    expect((await store.list()).map((m) => m.id)).toEqual([r.dataset]);
    expect((await store.usage()).bytes).toBe(r.bytes);

    const again = await pushDataset(store, syntheticSplits(60, 5), { chunkSize: 4096 });
    expect(again).toMatchObject({ dataset: r.dataset, chunksUploaded: 0 });

    const got = await new DatasetCache(store, { dir: join(tmp.dir, 'cache') }).open('shared-set');
    expect(got.fetched).toBe(true);
    expect(got.splits.train.n).toBe(60);
    expect(got.splits.test.n).toBe(15);

    expect(await store.delete(r.dataset)).toBe(true);
    expect(existsSync(join(root, 'datasets', r.dataset.slice(7)))).toBe(false);
    expect(await store.getManifest('shared-set')).toBeNull();
  });

  it('refuses names, ids and name files that would leave the root', async () => {
    const root = join(tmp.dir, 'attack');
    const store = new FileDatasetStore(root);
    for (const ref of ['../../etc/passwd', '..', 'a/b', '.hidden', `sha256:${'a'.repeat(63)}/`]) {
      await expect(store.getManifest(ref)).rejects.toThrow(DataError);
    }
    await expect(store.getChunk('sha256:../../x', 0)).rejects.toThrow(/is not a dataset id/);
    await expect(store.getChunk(`sha256:${'a'.repeat(64)}`, -1)).rejects.toThrow(/chunk index/);
    mkdirSync(join(root, 'names'), { recursive: true });
    writeFileSync(join(root, 'names', 'evil'), '../../../etc');
    await expect(store.getManifest('evil')).rejects.toThrow(/maps to '..\/..\/..\/etc', which is not a dataset id/);
    expect(() => new FileDatasetStore('relative/dir')).toThrow(/absolute/);
    expect(() => openDatasetStore(t.redis, { env: { TENSORPOOL_DATASET_STORE: 's3://bucket' } })).toThrow(/TENSORPOOL_DATASET_STORE/);
  });
});
