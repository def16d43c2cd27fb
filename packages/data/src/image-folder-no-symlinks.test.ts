// Confined loads (the job service's data root) do not follow symbolic links
// inside class folders: a link could lead out of the root. They are reported
// in `skipped`, never decoded. Without the option links are followed as before.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageFolder } from './image-folder.js';
import { tmpDir } from './fixtures.test-util.js';

const { dir, cleanup } = tmpDir();
afterAll(cleanup);
const root = join(dir, 'root');

const png = (file: string, rgb: [number, number, number]) =>
  sharp({ create: { width: 4, height: 4, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(file);

beforeAll(async () => {
  mkdirSync(join(root, 'a'), { recursive: true });
  mkdirSync(join(root, 'b'), { recursive: true });
  mkdirSync(join(dir, 'outside'));
  await png(join(root, 'a', 'inside.png'), [255, 0, 0]);
  await png(join(root, 'b', 'inside.png'), [0, 0, 255]);
  await png(join(dir, 'outside', 'secret.png'), [0, 255, 0]);
  symlinkSync(join(dir, 'outside', 'secret.png'), join(root, 'a', 'leak.png'));
});

describe('image folder with noSymlinks', () => {
  it('skips links inside class folders and reports them', async () => {
    const { set, skipped } = await readImageFolder(root, { shape: [4, 4, 3], noSymlinks: true });
    expect(set.n).toBe(2);
    expect(skipped).toEqual([{ file: join(root, 'a', 'leak.png'), reason: 'symbolic link (not followed)' }]);
  });

  it('follows them without the option (local training, the user\'s own files)', async () => {
    const { set } = await readImageFolder(root, { shape: [4, 4, 3] });
    expect(set.n).toBe(3);
  });
});
