/**
 * A job's `data` as a dataset-store id or name (real Redis store, own
 * prefix): a name is pinned to its id at enqueue; unknown ids and names are
 * refused naming `data` (an unknown name gets the same message as a path
 * outside the root, so nothing is revealed); a path inside the data root
 * wins over a store name; the model is checked against the stored shape and
 * takes the dataset's class names; a dataset is "in use" while a queued or
 * running job names it, not after it ended.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pushDataset, RedisDatasetStore } from '@tensorpool/datasets';
import type { DatasetSplits, ImageSet } from '@tensorpool/data';
import { QueueClient } from './client.js';
import { connectRedis } from './redis.js';
import { dropPrefix, refusal, testPrefix, tmpDir, writeNpz } from './fixtures.test-util.js';
import { getJobRecord } from './state.js';

const prefix = testPrefix('data-store-refs');
const redis = connectRedis();
const { dir, cleanup } = tmpDir('tp-store-refs-');
const root = join(dir, 'root');
mkdirSync(root);
writeNpz(join(root, 'shadow'), 6); // a file named like a store dataset, inside the root
const client = new QueueClient({ prefix, dataRoot: root });
const store = new RedisDatasetStore(redis, { prefix });
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await client.close();
  redis.disconnect();
  cleanup();
});

function set(n: number, offset: number): ImageSet {
  const images = Uint8Array.from({ length: n * 4 * 4 }, (_, i) => (i * 13 + offset) % 256);
  return { images, labels: Uint8Array.from({ length: n }, (_, i) => i % 2), n, shape: [4, 4, 1], classes: ['cats', 'dogs'] };
}
const splits = (offset: number): DatasetSplits => ({ source: 'test', train: set(8, offset), test: set(4, offset + 1) });
const spec = { name: 'tiny', inputShape: [4, 4, 1], labels: ['a', 'b'], layers: [{ type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }] };

describe('store ids and names as job data', () => {
  it('pins a name to its id and adopts the dataset class names', async () => {
    const first = await pushDataset(store, splits(0), { name: 'pets' });
    const { jobId } = await client.enqueue({ spec, data: 'pets', epochs: 1 });
    const rec = await getJobRecord(redis, client.keys, jobId);
    expect(rec?.options.data).toBe(first.dataset);
    expect(rec?.options.spec.labels).toEqual(['cats', 'dogs']);
    // The name now points elsewhere; the queued job keeps its bytes.
    const second = await pushDataset(store, splits(5), { name: 'pets' });
    expect(second.dataset).not.toBe(first.dataset);
    expect((await getJobRecord(redis, client.keys, jobId))?.options.data).toBe(first.dataset);

    expect(await client.datasetInUse(first.dataset)).toBe(true);
    expect(await client.datasetInUse(second.dataset)).toBe(false);
    await client.cancel(jobId);
    expect(await client.datasetInUse(first.dataset)).toBe(false);
  });

  it('refuses unknown ids and names naming data, and a model of another shape', async () => {
    const unknownId = `sha256:${'1'.repeat(64)}`;
    expect(await refusal(client.enqueue({ spec, data: unknownId, epochs: 1 }))).toBe(`invalid job: data: dataset ${unknownId} is not in the dataset store (push it with 'tensorpool dataset push')`);
    const unknownName = await refusal(client.enqueue({ spec, data: 'no-such-set', epochs: 1 }));
    const outsidePath = await refusal(client.enqueue({ spec, data: '../../etc/passwd', epochs: 1 }));
    expect(unknownName).toMatch(/^invalid job: data: not a dataset name/);
    expect(unknownName).toBe(outsidePath);
    const wide = { ...spec, inputShape: [8, 8, 1] };
    expect(await refusal(client.enqueue({ spec: wide, data: 'pets', epochs: 1 }))).toMatch(/^invalid job: data: dataset sha256:[0-9a-f]{64} holds 4x4x1 images; the model expects 8x8x1/);
    expect(await client.redis.scard(client.keys.active)).toBe(0);
  });

  it('prefers a path inside the data root over a store name', async () => {
    await pushDataset(store, splits(9), { name: 'shadow' });
    const { jobId } = await client.enqueue({ spec, data: 'shadow', epochs: 1 });
    expect((await getJobRecord(redis, client.keys, jobId))?.options.data).toBe('shadow');
    await client.cancel(jobId);
  });
});
