import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '@tensorpool/core';
import { loadNpy, loadNpz } from './npz.js';
import { bytesOf, npyBytes, npzBytes, tmpDir } from './fixtures.test-util.js';

const { dir, cleanup } = tmpDir();
afterAll(cleanup);

function write(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

// 3 train / 2 test images of 2x2x3.
const xTrain = Uint8Array.from({ length: 3 * 12 }, (_, i) => (i * 13) % 256);
const xTest = Uint8Array.from({ length: 2 * 12 }, (_, i) => 255 - i);
const u8 = (shape: number[], data: Uint8Array) => npyBytes('|u1', shape, data);
const i64 = (values: number[]) => npyBytes('<i8', [values.length], bytesOf(BigInt64Array.from(values.map(BigInt))));

describe('.npz datasets', () => {
  it('reads uint8 images and int64 labels (stored, as np.savez writes)', async () => {
    const p = write('u8.npz', npzBytes({ X_train: u8([3, 2, 2, 3], xTrain), X_test: u8([2, 2, 2, 3], xTest), y_train: i64([2, 0, 1]), y_test: i64([1, 2]) }));
    const d = await loadNpz(p);
    expect(d.train.shape).toEqual([2, 2, 3]);
    expect(Array.from(d.train.images)).toEqual(Array.from(xTrain));
    expect(Array.from(d.test.images)).toEqual(Array.from(xTest));
    expect(Array.from(d.train.labels)).toEqual([2, 0, 1]);
    expect(d.train.classes).toEqual(['0', '1', '2']);
    expect(d.train.images.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('converts float [0, 1] and [0, 255] images to uint8, reads one-hot labels and lowercase names (deflated)', async () => {
    const unit = Float32Array.from(xTrain, (v) => v / 255);
    const wide = Float64Array.from(xTest);
    const oneHot = (idx: number[], k: number) => Float32Array.from({ length: idx.length * k }, (_, j) => (idx[Math.floor(j / k)] === j % k ? 1 : 0));
    const p = write('float.npz', npzBytes({
      x_train: npyBytes('<f4', [3, 2, 2, 3], bytesOf(unit)),
      x_test: npyBytes('<f8', [2, 2, 2, 3], bytesOf(wide)),
      y_train: npyBytes('<f4', [3, 4], bytesOf(oneHot([3, 0, 1], 4))),
      y_test: npyBytes('<f4', [2, 4], bytesOf(oneHot([1, 3], 4))),
    }, true));
    const d = await loadNpz(p, { classes: ['a', 'b', 'c', 'd'] });
    expect(Array.from(d.train.images)).toEqual(Array.from(xTrain));
    expect(Array.from(d.test.images)).toEqual(Array.from(xTest));
    expect(Array.from(d.train.labels)).toEqual([3, 0, 1]);
    expect(Array.from(d.test.labels)).toEqual([1, 3]);
    expect(d.test.classes).toEqual(['a', 'b', 'c', 'd']);
  });

  it('grayscale [n, h, w] becomes [n, h, w, 1]; big-endian int32 labels read', async () => {
    const be = new Uint8Array(12);
    [1, 0, 1].forEach((v, i) => new DataView(be.buffer).setInt32(4 * i, v, false));
    const p = write('gray.npz', npzBytes({ X_train: u8([3, 3, 4], new Uint8Array(36).fill(5)), X_test: u8([1, 3, 4], new Uint8Array(12)), y_train: npyBytes('>i4', [3], be), y_test: i64([0]) }));
    const d = await loadNpz(p);
    expect(d.train.shape).toEqual([3, 4, 1]);
    expect(Array.from(d.train.labels)).toEqual([1, 0, 1]);
  });

  it('refuses pickled object arrays, missing arrays, standardized floats and corrupt zips with DataErrors naming the file', async () => {
    const pickled = npyBytes('|O', [4], Uint8Array.from([0x80, 0x04, 0x95]));
    const p1 = write('obj.npz', npzBytes({ X_train: pickled, X_test: u8([1, 1, 1], new Uint8Array(1)), y_train: i64([0]), y_test: i64([0]) }));
    await expect(loadNpz(p1)).rejects.toThrow(/pickled object array.*np\.savez/);
    const p2 = write('partial.npz', npzBytes({ X_train: u8([1, 1, 1], new Uint8Array(1)), y_train: i64([0]) }));
    await expect(loadNpz(p2)).rejects.toThrow(/partial\.npz has no X_test array \(found: X_train, y_train\)/);
    const neg = npyBytes('<f4', [1, 1, 1], bytesOf(Float32Array.of(-0.5)));
    const p3 = write('neg.npz', npzBytes({ X_train: neg, X_test: neg, y_train: i64([0]), y_test: i64([0]) }));
    await expect(loadNpz(p3)).rejects.toThrow(/neg\.npz:X_train\.npy has pixel value -0\.5/);
    const good = npzBytes({ X_train: u8([1, 1, 1], new Uint8Array(1)), X_test: u8([1, 1, 1], new Uint8Array(1)), y_train: i64([0]), y_test: i64([0]) });
    const p4 = write('trunc.npz', good.subarray(0, 100)); // cut inside X_train.npy's header
    const err = await loadNpz(p4).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toContain(p4);
    await expect(loadNpz(write('junk.npz', Uint8Array.from({ length: 500 }, (_, i) => i % 7)))).rejects.toThrow(/junk\.npz is not a \.npz file/);
  });

  it('a truncated array, inside the zip or by a cut file, is a DataError naming the file and entry', async () => {
    const short = u8([3, 2, 2, 3], xTrain).subarray(0, 64 + 10);
    const p = write('short.npz', npzBytes({ X_train: short, X_test: u8([2, 2, 2, 3], xTest), y_train: i64([2, 0, 1]), y_test: i64([1, 2]) }));
    await expect(loadNpz(p)).rejects.toThrow(/short\.npz:X_train\.npy is truncated/);
    // A float array big enough to span several read chunks, cut in the middle (stored, then deflated).
    const big = Float32Array.from({ length: 300_000 }, (_, i) => (i % 256) / 255);
    for (const compressed of [false, true]) {
      const whole = npzBytes({ y_train: i64([0]), X_train: npyBytes('<f4', [3, 100, 1000], bytesOf(big)) }, compressed);
      const cut = write(`cut${compressed ? 'z' : ''}.npz`, whole.subarray(0, Math.floor(whole.length / 2)));
      await expect(loadNpz(cut)).rejects.toThrow(new RegExp(`cut${compressed ? 'z' : ''}\\.npz:X_train\\.npy is truncated`));
    }
  });

  it('converts a large float array streamed in many chunks exactly', async () => {
    const n = 3;
    const big = Float64Array.from({ length: n * 100 * 1000 }, (_, i) => ((i * 7) % 256) / 255);
    const p = write('big.npz', npzBytes({ X_train: npyBytes('<f8', [n, 100, 1000], bytesOf(big)), X_test: u8([1, 100, 1000], new Uint8Array(1e5)), y_train: i64([0, 1, 2]), y_test: i64([0]) }, true));
    const d = await loadNpz(p);
    let mismatches = 0;
    for (let i = 0; i < big.length; i++) if (d.train.images[i] !== (i * 7) % 256) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('a single .npy is refused: the seed’s pickled tuple with how to re-save it, a plain array for lacking labels', async () => {
    const seedStyle = write('augumented_images.npy', npyBytes('|O', [4], Uint8Array.from([0x80, 0x02, 0x63])));
    await expect(loadNpy(seedStyle)).rejects.toThrow(/augumented_images\.npy is a pickled object array.*np\.savez\('data\.npz', X_train=X_train/);
    const plain = write('x.npy', u8([2, 2, 2], new Uint8Array(8)));
    await expect(loadNpy(plain)).rejects.toThrow(/x\.npy holds one array of shape \(2, 2, 2\) without labels/);
    await expect(loadNpy(write('junk.npy', Uint8Array.from([1, 2, 3])))).rejects.toThrow(/junk\.npy is not a NumPy \.npy array/);
  });
});
