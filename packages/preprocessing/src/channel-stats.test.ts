import { Random } from '@tensorpool/core';
import { expect, it } from 'vitest';
import { channelStats } from './normalization.js';

it('channelStats matches a float64 two-pass reference per channel', () => {
  const shape = [7, 5, 3] as const;
  const n = 11;
  const r = new Random(1, 2, 3);
  const images = new Uint8Array(n * 7 * 5 * 3);
  // Channels with different distributions so a channel mix-up would show.
  for (let i = 0; i < images.length; i++) images[i] = i % 3 === 0 ? r.int(256) : i % 3 === 1 ? 200 + r.int(20) : r.int(4);
  const got = channelStats(images, n, shape);
  for (let c = 0; c < 3; c++) {
    const vals: number[] = [];
    for (let i = c; i < images.length; i += 3) vals.push(images[i]);
    const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
    const std = Math.sqrt(vals.reduce((a, v) => a + (v - mean) ** 2, 0) / vals.length);
    expect(got.mean[c]).toBeCloseTo(mean, 10);
    expect(got.std[c]).toBeCloseTo(std, 10);
  }
  expect(got.mean[1]).toBeGreaterThan(199);
});

it('channelStats of only the first n images ignores the rest of the buffer', () => {
  const images = Uint8Array.from([0, 10, 20, 30, 255, 255]); // 3 images of [1,1,2]; n = 2
  const got = channelStats(images, 2, [1, 1, 2]);
  expect(got.mean).toEqual([10, 20]);
  expect(got.std).toEqual([10, 10]);
});
