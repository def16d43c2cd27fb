/**
 * A push killed (SIGKILL) after its first uploaded chunk leaves those chunks
 * and no manifest; pushing again uploads only the missing chunks. The kill
 * point is an explicit hook (TENSORPOOL_TEST_PUSH_EXIT_AFTER_CHUNKS), not a timer.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT, testRedis, tmpDir, writeImageFolder, redisStore } from './fixtures.test-util.js';

const t = testRedis('resume');
const tmp = tmpDir();
const folder = join(tmp.dir, 'pets');
afterAll(async () => {
  await t.cleanup();
  tmp.cleanup();
});
beforeAll(async () => {
  await writeImageFolder(folder, { classes: ['cat', 'dog', 'owl'], perClass: 10, size: 40 });
});

function push(env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [MAIN, 'dataset', 'push', folder, '--name', 'pets', '--shape', '32x32x3', '--json'], {
    cwd: ROOT, encoding: 'utf8',
    env: { ...process.env, TENSORPOOL_PREFIX: t.prefix, TENSORPOOL_DATASET_CHUNK_BYTES: '16KiB', ...env },
  });
  return { ...r, json: r.status === 0 ? JSON.parse(r.stdout) : null };
}

describe('dataset push', () => {
  it('resumes after being killed halfway: only the missing chunks are uploaded', async () => {
    const killed = push({ TENSORPOOL_TEST_PUSH_EXIT_AFTER_CHUNKS: '2' });
    expect(killed.signal).toBe('SIGKILL');
    const store = redisStore(t);
    expect(await store.list()).toEqual([]); // no manifest: not a dataset yet
    expect((await store.usage()).bytes).toBe(2 * 16 * 1024);

    const r = push();
    expect(r.status, r.stderr).toBe(0);
    // 30 images (3 per class held out) of 32x32x3 + labels + header: 92,2xx bytes -> 6 chunks of 16 KiB.
    expect(r.json).toMatchObject({ name: 'pets', train: 21, test: 9, chunksUploaded: 4, chunksSkipped: 2 });
    expect(r.json.dataset).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r.json.chunksUploaded + r.json.chunksSkipped).toBe(Math.ceil(r.json.bytes / 16384));
    expect(r.stderr).toMatch(/decoded 30\/30 \(\d+\/s\)/);
    expect(r.stderr).toMatch(/uploaded 4\/4 chunks/);

    const again = push();
    expect(again.json).toMatchObject({ dataset: r.json.dataset, chunksUploaded: 0, chunksSkipped: 6 });
    expect((await store.getManifest('pets'))?.id).toBe(r.json.dataset);
  });
});
