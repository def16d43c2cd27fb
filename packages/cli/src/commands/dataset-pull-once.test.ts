/**
 * Two processes pulling the same dataset into one machine's cache at the same
 * time download it once between them (the lock file), and a third finds it
 * cached. The overlap is forced with a hook, not left to timing: the first
 * holds the lock (TENSORPOOL_TEST_FETCH_HOLD) until the second says it waits.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis } from '@tensorpool/queue';
import { pushDataset, RedisDatasetStore } from '@tensorpool/datasets';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const cacheDir = mkdtempSync(join(tmpdir(), 'tp-cli-pull-'));
const prefix = `tp-test-cli-pull-${process.pid}-${Date.now().toString(36)}`;
const redis = connectRedis();

const release = join(cacheDir, 'release');

/** Resolves when `test` holds (polled; the test times out if it never does). */
async function until(test: () => boolean): Promise<void> {
  while (!test()) await sleep(20);
}

function pull(ref: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [main, 'dataset', 'pull', ref, '--json'], {
    env: { ...process.env, TENSORPOOL_PREFIX: prefix, TENSORPOOL_CACHE_DIR: cacheDir, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p = { out: '', err: '', done: null as Promise<number | null> | null };
  child.stdout.on('data', (d) => (p.out += d));
  child.stderr.on('data', (d) => (p.err += d));
  p.done = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return p as typeof p & { done: Promise<number | null> };
}

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('tensorpool dataset pull', () => {
  it('downloads once per machine for concurrent processes', async () => {
    const n = 3000;
    const images = new Uint8Array(new SharedArrayBuffer(n * 784)).map((_, i) => (i * 2654435761) >>> 24);
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
    const set = { images, labels, n, shape: [28, 28, 1] as [number, number, number], classes: Array.from({ length: 10 }, (_, i) => `c${i}`) };
    const store = new RedisDatasetStore(redis, { prefix });
    const r = await pushDataset(store, { source: 'synthetic', train: set, test: { ...set, n: 0, images: images.subarray(0, 0), labels: labels.subarray(0, 0) } }, { chunkSize: 64 * 1024, name: 'digits' });
    expect(r.chunks).toBe(36);

    const first = pull('digits', { TENSORPOOL_TEST_FETCH_HOLD: release });
    await until(() => existsSync(`${release}.held`)); // the first holds the lock
    const second = pull(r.dataset);
    await until(() => second.err.includes(`waiting for another process of this machine fetching ${r.dataset}`));
    writeFileSync(release, '');
    expect(await first.done, first.err).toBe(0);
    expect(await second.done, second.err).toBe(0);
    expect(JSON.parse(first.out)).toEqual({ dataset: r.dataset, fetched: true, chunksFetched: 36, chunksRefetched: 0, path: join(cacheDir, `${r.dataset.slice(7)}.tpds`) });
    expect(JSON.parse(second.out)).toMatchObject({ dataset: r.dataset, fetched: false, chunksFetched: 0 });

    const third = pull('digits');
    expect(await third.done).toBe(0);
    const thirdOut = JSON.parse(third.out);
    expect(thirdOut).toMatchObject({ dataset: r.dataset, fetched: false, chunksFetched: 0 });
  });
});
