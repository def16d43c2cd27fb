import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '@tensorpool/core';
import { loadFashionMnist, locateFashionMnist } from './fashion-mnist.js';
import { idxBytes, tmpDir } from './fixtures.test-util.js';

const { dir, cleanup } = tmpDir();
afterAll(cleanup);

/** A tiny dataset in `name`: `n` train images all of value `fill`, gzipped or not. */
function makeDataset(name: string, n: number, fill: number, gzip: boolean): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  const ext = gzip ? '.gz' : '';
  writeFileSync(join(d, `train-images-idx3-ubyte${ext}`), idxBytes([n, 28, 28], new Uint8Array(n * 784).fill(fill), gzip));
  writeFileSync(join(d, `train-labels-idx1-ubyte${ext}`), idxBytes([n], new Uint8Array(n).fill(1), gzip));
  writeFileSync(join(d, `t10k-images-idx3-ubyte${ext}`), idxBytes([1, 28, 28], new Uint8Array(784), gzip));
  writeFileSync(join(d, `t10k-labels-idx1-ubyte${ext}`), idxBytes([1], new Uint8Array(1), gzip));
  return d;
}

const explicit = makeDataset('explicit', 2, 11, false);
const fromEnv = makeDataset('env', 3, 22, true);
const cache = makeDataset('cache', 4, 33, true);
const system = makeDataset('system', 5, 44, false);
const noDownload = { download: false as const };

describe('Fashion-MNIST lookup order', () => {
  it('dataDir, then FASHION_MNIST_DIR, then the cache, then the system directory', async () => {
    const env = { FASHION_MNIST_DIR: fromEnv };
    expect((await locateFashionMnist({ dataDir: explicit, env, cacheDir: cache, systemDir: system, ...noDownload })).dir).toBe(explicit);
    expect((await locateFashionMnist({ env, cacheDir: cache, systemDir: system, ...noDownload })).dir).toBe(fromEnv);
    expect((await locateFashionMnist({ env: {}, cacheDir: cache, systemDir: system, ...noDownload })).dir).toBe(cache);
    expect((await locateFashionMnist({ env: {}, cacheDir: join(dir, 'empty'), systemDir: system, ...noDownload })).dir).toBe(system);
  });

  it('reads raw and gzipped files as [n, 28, 28, 1] with the 10 class names', async () => {
    const raw = await loadFashionMnist({ dataDir: explicit });
    expect([raw.train.n, raw.train.images[0], raw.train.images.length]).toEqual([2, 11, 2 * 784]);
    const gz = await loadFashionMnist({ dataDir: fromEnv });
    expect([gz.train.n, gz.train.images[0]]).toEqual([3, 22]);
    expect(gz.train.shape).toEqual([28, 28, 1]);
    expect(gz.train.classes).toHaveLength(10);
    expect(gz.train.classes[0]).toBe('T-shirt/top');
  });

  it('an explicit directory without the files is a DataError naming it, not a silent fallback', async () => {
    const err = await locateFashionMnist({ dataDir: join(dir, 'typo'), cacheDir: cache, ...noDownload }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toContain(join(dir, 'typo'));
    const err2 = await locateFashionMnist({ env: { FASHION_MNIST_DIR: join(dir, 'typo2') }, cacheDir: cache, ...noDownload }).catch((e: unknown) => e);
    expect((err2 as Error).message).toContain('FASHION_MNIST_DIR');
  });

  it('labels that disagree with the images are a DataError naming the file', async () => {
    const d = makeDataset('mismatch', 2, 0, false);
    writeFileSync(join(d, 'train-labels-idx1-ubyte'), idxBytes([3], new Uint8Array(3), false));
    const err = await loadFashionMnist({ dataDir: d }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toContain(join(d, 'train-labels-idx1-ubyte'));
  });
});
