import { expect, it } from 'vitest';
import { drawAugmentParams, resolveAugmentConfig } from './augment-config.js';
import { augmentBatch } from './augment.js';

const shape = [8, 9, 3] as const;
const size = 8 * 9 * 3;
const N = 6;
const images = Uint8Array.from({ length: N * size }, (_, i) => (i * 31 + (i >> 5)) % 256);
const run = (indices: number[], seed: number, epoch: number) => {
  const out = new Uint8Array(indices.length * size);
  augmentBatch(images, indices, out, shape, {}, seed, epoch);
  return out;
};

it('same (seed, epoch) gives the same bytes; another seed or epoch differs', () => {
  const a = run([0, 1, 2, 3, 4, 5], 42, 0);
  expect(run([0, 1, 2, 3, 4, 5], 42, 0)).toEqual(a);
  expect(run([0, 1, 2, 3, 4, 5], 43, 0)).not.toEqual(a);
  expect(run([0, 1, 2, 3, 4, 5], 42, 1)).not.toEqual(a);
});

it("a sample's transform depends on its index, not its position in the batch", () => {
  const a = run([0, 1, 2, 3, 4, 5], 42, 3);
  const b = run([5, 3, 1], 42, 3);
  expect(b.subarray(0, size)).toEqual(a.subarray(5 * size, 6 * size));
  expect(b.subarray(size, 2 * size)).toEqual(a.subarray(3 * size, 4 * size));
  expect(b.subarray(2 * size)).toEqual(a.subarray(size, 2 * size));
});

it('params are drawn from the stream (seed, epoch, sampleIndex) and differ across samples', () => {
  const cfg = resolveAugmentConfig();
  const p = drawAugmentParams(cfg, shape, 42, 0, 7);
  expect(drawAugmentParams(cfg, shape, 42, 0, 7)).toEqual(p);
  expect(drawAugmentParams(cfg, shape, 42, 0, 8)).not.toEqual(p);
});
