/**
 * A dataset's id depends on its images, labels, split and class names only:
 * the same folder written in another order (so listed in another order) and
 * under another path gives the same id; one changed image gives another.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { loadDataset, subset } from '@tensorpool/data';
import { digest } from './chunks.js';
import { serialize } from './serialize.js';
import { tmpDir, writeImageFolder } from './fixtures.test-util.js';

const SPEC = { classes: ['cat', 'dog', 'owl'], perClass: 12, size: 20 };
const OPTS = { shape: [16, 16, 3] as [number, number, number], testFraction: 0.25 };
const tmp = tmpDir();
afterAll(() => tmp.cleanup());

const idOf = async (root: string) => digest(serialize(await loadDataset(root, OPTS)).parts(), 4096).id;

describe('dataset id', () => {
  it('is the same for the same folder created in another order, at another path', async () => {
    const a = join(tmp.dir, 'a');
    const b = join(tmp.dir, 'b');
    await writeImageFolder(a, SPEC);
    await writeImageFolder(b, { ...SPEC, reverse: true });
    const idA = await idOf(a);
    expect(idA).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await idOf(b)).toBe(idA);
    // The listing of one class folder as the filesystem returns it (informative: order is the filesystem's choice).
    expect(readdirSync(join(a, 'cat')).sort()).toEqual(readdirSync(join(b, 'cat')).sort());
  });

  it('does not depend on the order of samples within a split', async () => {
    const d = await loadDataset(join(tmp.dir, 'a'), OPTS);
    const reversed = { ...d, train: subset(d.train, Array.from({ length: d.train.n }, (_, i) => d.train.n - 1 - i)) };
    expect(digest(serialize(reversed).parts(), 4096).id).toBe(digest(serialize(d).parts(), 4096).id);
  });

  it('changes when one image changes', async () => {
    const c = join(tmp.dir, 'c');
    const files = await writeImageFolder(c, SPEC);
    const before = await idOf(c);
    const px = Buffer.alloc(20 * 20 * 3, 200);
    writeFileSync(files[3], await sharp(px, { raw: { width: 20, height: 20, channels: 3 } }).png().toBuffer());
    const after = await idOf(c);
    expect(after).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
  });

  it('does not depend on the chunk size', async () => {
    const d = await loadDataset(join(tmp.dir, 'a'), OPTS);
    expect(digest(serialize(d).parts(), 1024).id).toBe(digest(serialize(d).parts(), 8 * 1024 * 1024).id);
  });
});
