import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '@tensorpool/core';
import { loadDataset } from './load-dataset.js';
import { bytesOf, idxBytes, npyBytes, npzBytes, tmpDir } from './fixtures.test-util.js';

const { dir, cleanup } = tmpDir();
afterAll(cleanup);

const folder = join(dir, 'shapes');
const fmnist = join(dir, 'fmnist');
const npz = join(dir, 'd.npz');

beforeAll(async () => {
  // 2 classes x 8 PNGs, each a distinct grey level so samples can be told apart.
  for (const [c, name] of ['circle', 'square'].entries()) {
    mkdirSync(join(folder, name), { recursive: true });
    for (let i = 0; i < 8; i++) {
      const v = c * 100 + i * 10;
      await sharp({ create: { width: 5, height: 5, channels: 3, background: { r: v, g: v, b: v } } }).png().toFile(join(folder, name, `${i}.png`));
    }
  }
  mkdirSync(fmnist);
  writeFileSync(join(fmnist, 'train-images-idx3-ubyte'), idxBytes([4, 28, 28], Uint8Array.from({ length: 4 * 784 }, (_, i) => Math.floor(i / 784))));
  writeFileSync(join(fmnist, 'train-labels-idx1-ubyte'), idxBytes([4], Uint8Array.from([9, 8, 7, 6])));
  writeFileSync(join(fmnist, 't10k-images-idx3-ubyte'), idxBytes([1, 28, 28], new Uint8Array(784)));
  writeFileSync(join(fmnist, 't10k-labels-idx1-ubyte'), idxBytes([1], new Uint8Array(1)));
  const i64 = (v: number[]) => npyBytes('<i8', [v.length], bytesOf(BigInt64Array.from(v.map(BigInt))));
  writeFileSync(npz, npzBytes({ X_train: npyBytes('|u1', [2, 1, 1], Uint8Array.of(1, 2)), X_test: npyBytes('|u1', [1, 1, 1], Uint8Array.of(3)), y_train: i64([0, 1]), y_test: i64([1]) }));
});

describe('loadDataset', () => {
  it('dispatches fashion-mnist, folders and .npz, with limit keeping N samples (limit.ts) in shared memory', async () => {
    const f = await loadDataset('fashion-mnist', { dataDir: fmnist, limit: 2 });
    expect(f.train.n).toBe(2);
    expect(Array.from(f.train.labels)).toEqual([9, 8]);
    expect(f.train.images.length).toBe(2 * 784);
    expect(f.train.images[784]).toBe(1);
    expect(f.train.images.buffer).toBeInstanceOf(SharedArrayBuffer);
    const z = await loadDataset(npz, { testLimit: 0 });
    expect([z.train.n, z.test.n]).toEqual([2, 0]);
    const d = await loadDataset(folder, { shape: [5, 5, 1] });
    expect(d.source).toContain(folder);
    expect([d.train.n, d.test.n]).toEqual([12, 4]);
  });

  it('splits folders deterministically per seed, stratified, with the requested test fraction', async () => {
    const pixelsOf = (s: { images: Uint8Array; n: number }) => Array.from({ length: s.n }, (_, i) => s.images[i * 25]);
    const a = await loadDataset(folder, { shape: [5, 5, 1], seed: 3 });
    const b = await loadDataset(folder, { shape: [5, 5, 1], seed: 3, concurrency: 1 });
    const c = await loadDataset(folder, { shape: [5, 5, 1], seed: 4 });
    expect(pixelsOf(b.test)).toEqual(pixelsOf(a.test));
    expect(Array.from(b.train.labels)).toEqual(Array.from(a.train.labels));
    expect(pixelsOf(c.test)).not.toEqual(pixelsOf(a.test));
    expect(Array.from(a.test.labels).sort()).toEqual([0, 0, 1, 1]);
    // Every sample lands on exactly one side, with its own label.
    const all = [...pixelsOf(a.train), ...pixelsOf(a.test)].sort((x, y) => x - y);
    expect(all).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 100, 110, 120, 130, 140, 150, 160, 170]);
    for (let i = 0; i < a.test.n; i++) expect(a.test.labels[i]).toBe(a.test.images[i * 25] >= 100 ? 1 : 0);
    const half = await loadDataset(folder, { shape: [5, 5, 1], testFraction: 0.5 });
    expect([half.train.n, half.test.n]).toEqual([8, 8]);
  });

  it('anything else is a DataError that says what is expected', async () => {
    await expect(loadDataset(join(dir, 'nope'))).rejects.toThrow(/not found: expected 'fashion-mnist', an image folder/);
    const txt = join(dir, 'notes.txt');
    writeFileSync(txt, 'hi');
    const err = await loadDataset(txt).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(/unknown kind/);
  });
});
