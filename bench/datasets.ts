/**
 * Dataset store throughput, ratios measured in one run:
 *  - push of N generated 100x100 RGB JPEGs (default 6,000): images/s decoded
 *    and resized (loadDataset, as push does it) and MB/s uploaded to the local
 *    Redis, against a plain loadDataset of the same folder;
 *  - a 60,000-image 28x28 dataset (Fashion-MNIST's train set when installed,
 *    else synthetic) made ready on a worker: cold cache (fetch, verify, write,
 *    read) against warm cache (read only): the time until the dataset is ready,
 *    and the time until a fresh worker process ends the first training step of
 *    its first shard (first-shard.ts).
 * Uses REDIS_URL under its own prefix, deleted afterwards. Prints one JSON line.
 *
 *   pnpm --silent build && node bench/dist/datasets.js [--images 6000]   (--images 0: cache part only; --trials 2 per side)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { loadDataset, type DatasetSplits } from '@tensorpool/data';
import { DatasetCache, pushDataset, RedisDatasetStore } from '@tensorpool/datasets';
import { firstShardBench } from './first-shard.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('images', 6000);
const CLASSES = 6;
const work = mkdtempSync(join(tmpdir(), 'tp-bench-datasets-'));
const prefix = `tp-bench-datasets-${process.pid}`;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(redisUrl);
const store = new RedisDatasetStore(redis, { prefix, budgetBytes: 8 * 1024 ** 3 });
const seconds = (t0: number) => (performance.now() - t0) / 1000;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** Smooth gradients plus noise per image: photo-like JPEG sizes, every image different. */
async function writeJpegs(root: string): Promise<void> {
  const px = Buffer.alloc(100 * 100 * 3);
  for (let k = 0; k < N; k++) {
    const dir = join(root, `class-${k % CLASSES}`);
    if (k < CLASSES) mkdirSync(dir, { recursive: true });
    let s = k * 2654435761 >>> 0;
    for (let i = 0; i < px.length; i++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      px[i] = ((i % 300) * (1 + (k % 7)) + (i / 300) * (k % 5) + (s >>> 28)) & 255;
    }
    await sharp(px, { raw: { width: 100, height: 100, channels: 3 } }).jpeg({ quality: 85 }).toFile(join(dir, `${k}.jpg`));
  }
}

async function pushBench(): Promise<Record<string, number>> {
  const root = join(work, 'jpegs');
  await writeJpegs(root);
  const opts = { shape: [100, 100, 3] as [number, number, number] };
  await loadDataset(root, opts); // warm-up: page cache and JIT, for both measurements below
  let t0 = performance.now();
  await loadDataset(root, opts);
  const plain = seconds(t0);
  t0 = performance.now();
  const d = await loadDataset(root, opts);
  const decode = seconds(t0);
  t0 = performance.now();
  const r = await pushDataset(store, d, {});
  const upload = seconds(t0);
  return {
    images: N, plainLoadImagesPerSec: round(N / plain), pushDecodeImagesPerSec: round(N / decode),
    pushUploadMBPerSec: round(r.bytesUploaded / 1e6 / upload), pushBytes: r.bytes, pushSeconds: round(decode + upload, 2),
    pushOverPlainLoadTime: round((decode + upload) / plain, 2),
  };
}

async function sixtyThousand(): Promise<DatasetSplits> {
  try {
    const d = await loadDataset('fashion-mnist', { fashionMnist: { download: false } });
    return { ...d, test: { ...d.test, images: d.test.images.subarray(0, 0), labels: d.test.labels.subarray(0, 0), n: 0 } };
  } catch {
    const images = new Uint8Array(new SharedArrayBuffer(60000 * 784)).map((_, i) => (i * 2654435761) >>> 24);
    const labels = Uint8Array.from({ length: 60000 }, (_, i) => i % 10);
    const classes = Array.from({ length: 10 }, (_, i) => String(i));
    const set = { images, labels, n: 60000, shape: [28, 28, 1] as [number, number, number], classes };
    return { source: 'synthetic 60000x28x28', train: set, test: { ...set, images: images.subarray(0, 0), labels: labels.subarray(0, 0), n: 0 } };
  }
}

async function cacheBench(): Promise<Record<string, unknown>> {
  const d = await sixtyThousand();
  const r = await pushDataset(store, d, {});
  const dir = join(work, 'cache');
  let t0 = performance.now();
  const cold = await new DatasetCache(store, { dir }).open(r.dataset);
  const coldS = seconds(t0);
  t0 = performance.now();
  const warm = await new DatasetCache(store, { dir }).open(r.dataset);
  const warmS = seconds(t0);
  if (!cold.fetched || warm.fetched) throw new Error('cache bench: expected a cold then a warm open');
  const firstShard = await firstShardBench({ redisUrl, prefix, dataset: r.dataset, work, warmDir: dir, trials: arg('trials', 2) });
  return {
    dataset: d.source.split(' (')[0], images: d.train.n, bytes: r.bytes,
    ready: { coldSeconds: round(coldS, 3), warmSeconds: round(warmS, 3), coldOverWarm: round(coldS / warmS, 1) },
    firstShard,
  };
}

try {
  const push = N > 0 ? await pushBench() : undefined; // --images 0: the cache part only
  const cache = await cacheBench();
  process.stdout.write(`${JSON.stringify({ push, cache })}\n`);
} finally {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  rmSync(work, { recursive: true, force: true });
}
