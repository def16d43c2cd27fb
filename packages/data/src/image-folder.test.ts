import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '@tensorpool/core';
import { loadImageFolder, readImageFolder } from './image-folder.js';
import { tmpDir } from './fixtures.test-util.js';

const { dir, cleanup } = tmpDir();
afterAll(cleanup);

/** A solid-colour image of size w x h in the given format. */
async function solid(file: string, w: number, h: number, rgb: [number, number, number], format: 'png' | 'jpeg' | 'webp', alpha = false): Promise<void> {
  const channels = alpha ? 4 : 3;
  const img = sharp({ create: { width: w, height: h, channels, background: alpha ? { r: rgb[0], g: rgb[1], b: rgb[2], alpha: 0.5 } : { r: rgb[0], g: rgb[1], b: rgb[2] } } });
  await img.toFormat(format).toFile(file);
}

// root/cats: 3 red PNGs (one with alpha), root/dogs: 2 blue JPEGs + 1 broken "jpeg", 1 webp
const root = join(dir, 'animals');
const broken = join(root, 'dogs', 'broken.jpg');
beforeAll(async () => {
  mkdirSync(join(root, 'cats'), { recursive: true });
  mkdirSync(join(root, 'dogs'), { recursive: true });
  await solid(join(root, 'cats', 'a.png'), 40, 30, [255, 0, 0], 'png');
  await solid(join(root, 'cats', 'b.png'), 10, 10, [255, 0, 0], 'png', true);
  await solid(join(root, 'cats', 'c.PNG'), 7, 13, [255, 0, 0], 'png');
  await solid(join(root, 'dogs', 'a.jpg'), 50, 20, [0, 0, 255], 'jpeg');
  await solid(join(root, 'dogs', 'b.jpeg'), 8, 8, [0, 0, 255], 'jpeg');
  await solid(join(root, 'dogs', 'c.webp'), 9, 9, [0, 0, 255], 'webp');
  writeFileSync(broken, Buffer.from('this is not a jpeg'));
});

/** Mean of channel ch over sample i of [n, h, w, c] images. */
function channelMean(images: Uint8Array, i: number, [h, w, c]: number[], ch: number): number {
  let s = 0;
  for (let p = 0; p < h * w; p++) s += images[(i * h * w + p) * c + ch];
  return s / (h * w);
}

describe('image folders', () => {
  it('decodes every image, resized to [h, w, 3], labelled by sorted folder name', async () => {
    const { set, skipped } = await readImageFolder(root, { shape: [6, 5, 3], concurrency: 2 });
    expect(set.classes).toEqual(['cats', 'dogs']);
    expect(set.n).toBe(6);
    expect(set.images.length).toBe(6 * 6 * 5 * 3);
    expect(set.images.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(set.labels)).toEqual([0, 0, 0, 1, 1, 1]);
    for (let i = 0; i < 3; i++) {
      expect(channelMean(set.images, i, set.shape, 0)).toBeGreaterThan(245); // red (alpha dropped)
      expect(channelMean(set.images, i, set.shape, 2)).toBeLessThan(10);
    }
    for (let i = 3; i < 6; i++) expect(channelMean(set.images, i, set.shape, 2)).toBeGreaterThan(240); // blue, lossy
    expect(skipped).toHaveLength(1);
  });

  it('an undecodable file is counted in skipped with its path and reason, never dropped silently', async () => {
    const d = await loadImageFolder(root, { shape: [4, 4, 3] });
    expect(d.skipped).toEqual([{ file: broken, reason: expect.stringMatching(/cannot decode/) }]);
    expect(d.train.n + d.test.n).toBe(6);
  });

  it('strict mode fails on the undecodable file, naming it', async () => {
    const err = await loadImageFolder(root, { shape: [4, 4, 3], strict: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toContain(broken);
  });

  it('c = 1 gives grayscale; given classes set the label order', async () => {
    const { set } = await readImageFolder(root, { shape: [3, 3, 1], classes: ['dogs', 'cats'] });
    expect(set.shape).toEqual([3, 3, 1]);
    expect(set.images.length).toBe(6 * 9);
    expect(set.classes).toEqual(['dogs', 'cats']);
    expect(Array.from(set.labels).sort()).toEqual([0, 0, 0, 1, 1, 1]);
    // PIL's convert("L") luma: pure red (255*19595 + 2^15) >> 16 = 76 (lossless PNG),
    // pure blue 29 (JPEG, so within a few levels).
    for (let i = 0; i < set.n; i++) {
      const luma = channelMean(set.images, i, set.shape, 0);
      if (set.classes[set.labels[i]] === 'cats') expect(luma).toBe(76);
      else expect(Math.abs(luma - 29)).toBeLessThan(4);
    }
  });

  it('missing, empty or incomplete folders are DataErrors', async () => {
    await expect(loadImageFolder(join(dir, 'missing'))).rejects.toThrow(DataError);
    mkdirSync(join(dir, 'empty-root'));
    await expect(loadImageFolder(join(dir, 'empty-root'))).rejects.toThrow(/no class folders/);
    mkdirSync(join(dir, 'empty-class', 'a'), { recursive: true });
    await expect(loadImageFolder(join(dir, 'empty-class'))).rejects.toThrow(/has no images/);
    await expect(loadImageFolder(root, { classes: ['cats', 'birds'] })).rejects.toThrow(/class 'birds' has no folder/);
  });
});
