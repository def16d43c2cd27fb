/**
 * `maxBytes` bounds what a .npz may make us allocate, checked against each
 * array's header before any allocation: an upload whose headers claim more
 * (a deflate bomb, or a lie) is refused, naming the array and the limit.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '@tensorpool/core';
import { loadNpz } from './npz.js';
import { npyBytes, npzBytes, tmpDir } from './fixtures.test-util.js';

const tmp = tmpDir();
afterAll(() => tmp.cleanup());

function npz(name: string, trainShape: number[], trainData: Uint8Array): string {
  const file = join(tmp.dir, `${name}.npz`);
  writeFileSync(file, npzBytes({
    X_train: npyBytes('|u1', trainShape, trainData), y_train: npyBytes('|u1', [trainShape[0]], new Uint8Array(trainShape[0])),
    X_test: npyBytes('|u1', [1, 4, 4], new Uint8Array(16)), y_test: npyBytes('|u1', [1], new Uint8Array(1)),
  }, true));
  return file;
}

describe('loadNpz maxBytes', () => {
  it('refuses arrays whose headers claim more than the limit, before allocating them', async () => {
    const file = npz('claims', [100_000, 100, 100], new Uint8Array(0));
    const err = await loadNpz(file, { maxBytes: 50_000_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toBe(`${file}:X_train.npy (shape 100000x100x100) would take more than the 50000000-byte limit of this load`);
  });

  it('loads a file exactly at the limit', async () => {
    const file = npz('fits', [3, 4, 4], new Uint8Array(48).fill(7));
    const d = await loadNpz(file, { maxBytes: 48 + 3 + 16 + 1 });
    expect([d.train.n, d.test.n]).toEqual([3, 1]);
    await expect(loadNpz(file, { maxBytes: 48 + 3 + 16 })).rejects.toThrow(/y_test.npy \(shape 1\) would take more than the 67-byte limit/);
  });
});
