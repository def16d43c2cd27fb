import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '@tensorpool/core';
import { loadFashionMnist } from './fashion-mnist.js';
import { idxBytes, tmpDir } from './fixtures.test-util.js';

// A 3-train / 2-test Fashion-MNIST served from 127.0.0.1: the download path
// without the network.
const files: Record<string, Buffer> = {
  'train-images-idx3-ubyte.gz': idxBytes([3, 28, 28], Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 251), true),
  'train-labels-idx1-ubyte.gz': idxBytes([3], Uint8Array.from([9, 0, 3]), true),
  't10k-images-idx3-ubyte.gz': idxBytes([2, 28, 28], new Uint8Array(2 * 784).fill(7), true),
  't10k-labels-idx1-ubyte.gz': idxBytes([2], Uint8Array.from([2, 1]), true),
};
const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
const checksums = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, md5(v)]));

const { dir, cleanup } = tmpDir();
let server: Server;
let baseUrl = '';
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    const body = files[(req.url ?? '').replace(/^\//, '')];
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  cleanup();
});

// Lookup places that hold nothing, so the loader has to download.
const nowhere = (cacheDir: string) => ({ cacheDir, systemDir: join(dir, 'no-system'), env: {}, baseUrl });

describe('Fashion-MNIST download', () => {
  it('downloads into the cache, verifies MD5, renames atomically, then reuses the cache', async () => {
    const cacheDir = join(dir, 'cache-ok');
    const d = await loadFashionMnist({ ...nowhere(cacheDir), checksums });
    expect(d.train.n).toBe(3);
    expect(d.test.n).toBe(2);
    expect(Array.from(d.train.labels)).toEqual([9, 0, 3]);
    expect(d.train.classes[d.train.labels[0]]).toBe('Ankle boot');
    expect(d.train.images[100]).toBe(100);
    expect(d.source).toContain(cacheDir);
    expect(readdirSync(cacheDir).sort()).toEqual(Object.keys(files).sort()); // no .part leftovers
    const before = requests;
    await loadFashionMnist({ ...nowhere(cacheDir), checksums });
    expect(requests).toBe(before);
  });

  it('an MD5 mismatch is a DataError and leaves nothing in the cache', async () => {
    const cacheDir = join(dir, 'cache-bad');
    const wrong = { ...checksums, 'train-labels-idx1-ubyte.gz': '0'.repeat(32) };
    const err = await loadFashionMnist({ ...nowhere(cacheDir), checksums: wrong }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(/checksum mismatch.*train-labels-idx1-ubyte\.gz/);
    expect(existsSync(join(cacheDir, 'train-labels-idx1-ubyte.gz'))).toBe(false);
    expect(readdirSync(cacheDir).filter((f) => f.includes('.part'))).toEqual([]);
  });

  it('offline is a one-line DataError saying how to install the dataset', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await loadFashionMnist({ ...nowhere(join(dir, 'cache-off')), baseUrl: `http://127.0.0.1:${port}/`, checksums })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    const msg = (err as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg).toContain('apt-get install dataset-fashion-mnist');
    expect(msg).toContain('FASHION_MNIST_DIR');
  });

  it('with download disabled, a missing dataset says how to install it', async () => {
    const before = requests;
    const err = await loadFashionMnist({ ...nowhere(join(dir, 'cache-none')), download: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toContain('apt-get install dataset-fashion-mnist');
    expect(requests).toBe(before);
  });
});
