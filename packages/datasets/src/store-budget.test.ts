/**
 * The Redis store's byte budget: a push that would exceed it is refused with
 * a message saying how much is needed and free, and leaves no key behind.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '@tensorpool/core';
import { pushDataset } from './push.js';
import { StoreFullError } from './store.js';
import { redisStore, testRedis } from './fixtures.test-util.js';
import { syntheticSplits } from './synthetic.test-util.js';

const t = testRedis('budget');
afterAll(() => t.cleanup());

async function keysUnderPrefix(): Promise<string[]> {
  return (await t.redis.keys(`${t.prefix}:*`)).sort();
}

describe('dataset store budget', () => {
  it('refuses an over-budget push and leaves nothing behind', async () => {
    const store = redisStore(t, 30_000);
    const first = await pushDataset(store, syntheticSplits(80, 1), { chunkSize: 4096, name: 'first' }); // 19,2xx bytes
    const before = await keysUnderPrefix();
    expect((await store.usage()).bytes).toBe(first.bytes);

    const err = await pushDataset(store, syntheticSplits(80, 2), { chunkSize: 4096, name: 'second' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreFullError);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(/^dataset store is full: pushing sha256:[0-9a-f]{64} needs 18\.\d KiB more, 10\.\d KiB of the 29\.3 KiB budget is free/);
    expect(await keysUnderPrefix()).toEqual(before);
    expect((await store.usage()).bytes).toBe(first.bytes);
    expect((await store.list()).map((m) => m.name)).toEqual(['first']);
  });

  it('refuses a single chunk over budget atomically (the check concurrent pushes rely on)', async () => {
    const store = redisStore(t, 30_000);
    const id = `sha256:${'ab'.repeat(32)}`;
    const err = await store.putChunk(id, 0, new Uint8Array(20_000)).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^dataset store is full: chunk 0 of sha256:abab/);
    expect(await store.hasChunk(id, 0)).toBe(false);
  });

  it('takes back its own chunks when a concurrent push fills the store halfway', async () => {
    const store = redisStore(t, 30_000 + 19_300);
    const other = `sha256:${'cd'.repeat(32)}`;
    const before = await keysUnderPrefix();
    const err = await pushDataset(store, syntheticSplits(80, 3), {
      chunkSize: 4096,
      // After our first chunk, another push takes most of what is left (a real concurrent writer would).
      afterChunk: async (n) => {
        if (n === 1) await store.putChunk(other, 0, new Uint8Array(12_000));
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreFullError);
    expect((err as Error).message).toMatch(/^dataset store is full: chunk \d of sha256:/);
    expect(await keysUnderPrefix()).toEqual([...before, store.keys.chunk('cd'.repeat(32), 0)].sort());
    expect(await store.delete(other)).toBe(true);
  });

  it('frees the budget when a dataset is removed', async () => {
    const store = redisStore(t, 30_000);
    const first = await store.getManifest('first');
    expect(await store.delete(first!.id)).toBe(true);
    expect((await store.usage()).bytes).toBe(0);
    expect(await keysUnderPrefix()).toEqual([store.keys.bytes]); // the counter, at 0
    const second = await pushDataset(store, syntheticSplits(80, 2), { chunkSize: 4096, name: 'second' });
    expect(second.chunksUploaded).toBe(second.chunks);
  });
});
