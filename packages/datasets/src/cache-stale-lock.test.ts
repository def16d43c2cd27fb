/**
 * A fetch killed while holding its lock must not block the machine forever:
 * a lock of this host whose process is gone is removed, one of a live process
 * is waited for.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetCache } from './cache.js';
import { withLock } from './lock.js';
import { pushDataset } from './push.js';
import { redisStore, testRedis, tmpDir } from './fixtures.test-util.js';
import { syntheticSplits } from './synthetic.test-util.js';

const t = testRedis('stalelock');
const tmp = tmpDir();
afterAll(async () => {
  await t.cleanup();
  tmp.cleanup();
});

describe('cache lock', () => {
  it('removes a lock left by a dead process of this host', async () => {
    const store = redisStore(t);
    const r = await pushDataset(store, syntheticSplits(20, 4), { chunkSize: 1024 });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const lock = join(tmp.dir, `${r.dataset.slice(7)}.tpds.lock`);
    mkdirSync(tmp.dir, { recursive: true });
    writeFileSync(lock, JSON.stringify({ pid: Number(dead.stdout), host: hostname() }));
    const got = await new DatasetCache(store, { dir: tmp.dir }).open(r.dataset);
    expect(got.fetched).toBe(true);
    expect(existsSync(lock)).toBe(false);
  });

  it('waits for a live holder', async () => {
    const path = join(tmp.dir, 'live.lock');
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let waiting!: () => void;
    const isWaiting = new Promise<void>((resolve) => (waiting = resolve));
    let inside!: () => void;
    const firstIn = new Promise<void>((resolve) => (inside = resolve));
    const first = withLock(path, async () => {
      order.push('first in');
      inside();
      await held;
      order.push('first out');
    });
    await firstIn;
    const second = withLock(path, async () => void order.push('second in'), waiting);
    await isWaiting; // the second is blocked on the first's lock
    expect(order).toEqual(['first in']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second in']);
  });
});
