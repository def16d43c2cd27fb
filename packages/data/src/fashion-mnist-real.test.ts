import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadFashionMnist } from './fashion-mnist.js';

// The real dataset from Debian's dataset-fashion-mnist, read only when installed.
const SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';
const present = existsSync(`${SYSTEM_DIR}/train-images-idx3-ubyte.gz`);

describe('real Fashion-MNIST', () => {
  it.skipIf(!present)('has 60000 train and 10000 test images; the first of each is an ankle boot', async () => {
    const d = await loadFashionMnist({ dataDir: SYSTEM_DIR });
    expect(d.train.n).toBe(60000);
    expect(d.test.n).toBe(10000);
    expect(d.train.images.length).toBe(60000 * 28 * 28);
    expect(d.train.images.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(d.train.classes[d.train.labels[0]]).toBe('Ankle boot');
    expect(d.test.labels[0]).toBe(9);
    // Classes are balanced: 6000 train images each.
    const counts = new Array(10).fill(0);
    for (const l of d.train.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(6000));
  });
});
