import { UsageError } from '@tensorpool/core';
import { afterAll, expect, it } from 'vitest';
import { AugmentPool } from './augment-pool.js';
import { augmentBatch } from './augment.js';

// Real worker threads (from dist/: build first). Small images, one pool for the file.
const shape = [12, 10, 3] as const;
const size = 12 * 10 * 3;
const N = 40;
const images = new Uint8Array(new SharedArrayBuffer(N * size));
for (let i = 0; i < images.length; i++) images[i] = (i * 73 + (i >> 7)) % 256;
const config = { rotation: 30, shift: 0.15, zoom: 0.2, brightness: 0.3, fill: 'constant' as const, fillValue: 17 };
const pool = new AugmentPool({ images, shape, config, threads: 2, normalization: 'div255' });
afterAll(() => pool.close());

const indices = [7, 3, 39, 0, 12, 12, 25, 8, 31, 1, 19];

it('the pool writes the same uint8 bytes as the single-thread augmentBatch', async () => {
  const ref = new Uint8Array(indices.length * size);
  augmentBatch(images, indices, ref, shape, config, 42, 3);
  const out = pool.allocateBatch(indices.length);
  expect(out.buffer).toBeInstanceOf(SharedArrayBuffer);
  await pool.run(indices, 42, 3, out);
  expect(Buffer.from(out.buffer).equals(Buffer.from(ref.buffer))).toBe(true);
  // The same call again, and a different epoch, on the same pool.
  await pool.run(indices, 42, 3, out);
  expect(Buffer.from(out.buffer).equals(Buffer.from(ref.buffer))).toBe(true);
  await pool.run(indices, 42, 4, out);
  expect(Buffer.from(out.buffer).equals(Buffer.from(ref.buffer))).toBe(false);
});

it('the pool writes the same normalized float32 batch as the single-thread augmentBatch', async () => {
  const ref = new Float32Array(indices.length * size);
  augmentBatch(images, indices, ref, shape, config, 9, 0, 'div255');
  const out = pool.allocateBatch(indices.length, 'float32');
  await pool.run(indices, 9, 0, out);
  expect(Buffer.from(out.buffer).equals(Buffer.from(ref.buffer))).toBe(true);
});

it('validates its options and arguments', async () => {
  expect(() => new AugmentPool({ images, shape, threads: 0 })).toThrow(/threads must be an integer >= 1/);
  expect(() => new AugmentPool({ images: images.subarray(1), shape })).toThrow(UsageError);
  expect(() => new AugmentPool({ images, shape, config: { zoom: -1 } })).toThrow(/zoom/);
  expect(() => new AugmentPool({ images, shape, normalization: 'div7' as never })).toThrow(/normalization/);
  await expect(pool.run([N], 1, 0, pool.allocateBatch(1))).rejects.toThrow(/outside the set/);
  await expect(pool.run([0], 1, 0, new Uint8Array(size))).rejects.toThrow(/SharedArrayBuffer/);
});
