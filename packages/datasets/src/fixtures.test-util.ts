/**
 * Test fixtures: generated image folders (PNG, so pixels survive exactly; a few
 * JPEGs), a Redis store under the test's own prefix, temporary directories.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { RedisDatasetStore } from './redis-store.js';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const MAIN = join(ROOT, 'packages/cli/dist/main.js');
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function tmpDir(prefix = 'tp-datasets-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh key prefix for one test, and a cleanup deleting `prefix:*`. */
export function testRedis(name: string): { redis: Redis; prefix: string; cleanup: () => Promise<void> } {
  const prefix = `tp-test-datasets-${name}-${process.pid}-${Date.now().toString(36)}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const cleanup = async () => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
  };
  return { redis, prefix, cleanup };
}

export function redisStore(t: { redis: Redis; prefix: string }, budgetBytes?: number): RedisDatasetStore {
  return new RedisDatasetStore(t.redis, { prefix: t.prefix, budgetBytes });
}

/** Deterministic pseudo-random pixels of image `k` of `label` (differs per image). */
function pixels(label: number, k: number, size: number, salt: number): Buffer {
  const b = Buffer.alloc(size * size * 3);
  let x = (label * 7919 + k * 104729 + salt * 15485863 + 1) >>> 0;
  for (let i = 0; i < b.length; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

export interface FolderSpec {
  classes: string[];
  perClass: number;
  size: number;
  /** Changes the pixels of every image (0 by default). */
  salt?: number;
  /** Files written in this order of index (default 0..n-1): same content, different creation order. */
  reverse?: boolean;
}

/** Writes root/<class>/img-<k>.png (every 5th a .jpg); returns the file paths. */
export async function writeImageFolder(root: string, s: FolderSpec): Promise<string[]> {
  const jobs: { file: string; label: number; k: number }[] = [];
  for (const [label, c] of s.classes.entries()) {
    mkdirSync(join(root, c), { recursive: true });
    for (let k = 0; k < s.perClass; k++) jobs.push({ file: join(root, c, `img-${String(k).padStart(4, '0')}.${k % 5 === 4 ? 'jpg' : 'png'}`), label, k });
  }
  if (s.reverse) jobs.reverse();
  for (const j of jobs) {
    const img = sharp(pixels(j.label, j.k, s.size, s.salt ?? 0), { raw: { width: s.size, height: s.size, channels: 3 } });
    writeFileSync(j.file, await (j.file.endsWith('.jpg') ? img.jpeg({ quality: 90 }) : img.png()).toBuffer());
  }
  return jobs.map((j) => j.file);
}
