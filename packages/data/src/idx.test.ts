import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '@tensorpool/core';
import { readIdx } from './idx.js';
import { idxBytes, tmpDir } from './fixtures.test-util.js';

const { dir, cleanup } = tmpDir();
afterAll(cleanup);

const pixels = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 7) % 256);
function write(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

async function expectDataError(p: string, pattern: RegExp): Promise<void> {
  const err = await readIdx(p).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  expect((err as Error).message).toContain(p);
  expect((err as Error).message).toMatch(pattern);
}

describe('readIdx', () => {
  it('reads raw and gzipped IDX files into a shared buffer', async () => {
    for (const gz of [false, true]) {
      const r = await readIdx(write(`ok${gz ? '.gz' : ''}`, idxBytes([3, 4, 5], pixels, gz)));
      expect(r.dims).toEqual([3, 4, 5]);
      expect(Array.from(r.data)).toEqual(Array.from(pixels));
      expect(r.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
  });

  it('bad magic is a DataError naming the file', async () => {
    const b = idxBytes([3, 4, 5], pixels);
    b[2] = 0x0d; // float IDX, not unsigned bytes
    await expectDataError(write('magic', b), /magic/);
  });

  it('truncated data is a DataError naming the file, raw or gzipped', async () => {
    const b = idxBytes([3, 4, 5], pixels);
    await expectDataError(write('short', b.subarray(0, b.length - 1)), /truncated/);
    await expectDataError(write('short-header', b.subarray(0, 6)), /truncated/);
    const gz = idxBytes([3, 4, 5], pixels, true);
    await expectDataError(write('short.gz', gz.subarray(0, gz.length - 12)), /corrupt or truncated/);
  });

  it('extra bytes and broken gzip are DataErrors naming the file', async () => {
    await expectDataError(write('long', Buffer.concat([idxBytes([3, 4, 5], pixels), Buffer.from([1])])), /longer than its header/);
    const gz = Buffer.from(idxBytes([3, 4, 5], pixels, true));
    gz.fill(0xab, 12, 30);
    await expectDataError(write('bad.gz', gz), /gzip/);
  });

  it('a missing file is a DataError naming it', async () => {
    await expectDataError(join(dir, 'nope'), /ENOENT/);
  });
});
