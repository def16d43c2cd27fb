import { DEFAULTS, UsageError } from '@tensorpool/core';
import { expect, it } from 'vitest';
import { AUGMENT_DEFAULTS, drawAugmentParams, resolveAugmentConfig } from './augment-config.js';
import { augmentBatch } from './augment.js';
import { normalizeInto } from './normalization.js';

const shape = [6, 7, 3] as const;
const size = 6 * 7 * 3;

it('drawn params stay inside the configured ranges', () => {
  const cfg = resolveAugmentConfig({ rotation: 15, shift: 0.2, zoom: 0.1, brightness: 0.3 });
  let flips = 0;
  for (let i = 0; i < 400; i++) {
    const p = drawAugmentParams(cfg, shape, 1, 0, i);
    expect(Math.abs(p.rotation)).toBeLessThanOrEqual(15);
    expect(Math.abs(p.shiftX)).toBeLessThanOrEqual(0.2 * 7);
    expect(Math.abs(p.shiftY)).toBeLessThanOrEqual(0.2 * 6);
    expect(p.zoom).toBeGreaterThanOrEqual(0.9);
    expect(p.zoom).toBeLessThanOrEqual(1.1);
    expect(p.brightness).toBeGreaterThanOrEqual(0.7);
    expect(p.brightness).toBeLessThanOrEqual(1.3);
    flips += p.flip ? 1 : 0;
  }
  expect(flips).toBeGreaterThan(150);
  expect(flips).toBeLessThan(250);
  const none = resolveAugmentConfig({ rotation: 0, flip: false, shift: 0, zoom: 0, brightness: 0 });
  expect(drawAugmentParams(none, shape, 1, 0, 3)).toEqual({ rotation: 0, flip: false, shiftX: 0, shiftY: 0, zoom: 1, brightness: 1 });
});

it('a float32 batch is the normalized uint8 batch, in [0, 1) for div256', () => {
  const images = Uint8Array.from({ length: 4 * size }, (_, i) => (i * 97) % 256);
  const u8 = new Uint8Array(3 * size);
  const f32 = new Float32Array(3 * size);
  augmentBatch(images, [3, 0, 2], u8, shape, AUGMENT_DEFAULTS, 9, 1);
  augmentBatch(images, [3, 0, 2], f32, shape, AUGMENT_DEFAULTS, 9, 1, 'div256');
  const ref = new Float32Array(3 * size);
  normalizeInto(u8, ref, 3, shape, 'div256');
  expect(f32).toEqual(ref);
  expect(Math.min(...f32)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...f32)).toBeLessThan(1);
  expect(DEFAULTS.normalization).toBe('div256');
});

it('brightness multiplies every value and clamps at 255 instead of wrapping', () => {
  const images = new Uint8Array(2 * size).fill(250);
  const out = new Uint8Array(2 * size);
  const cfg = { rotation: 0, flip: false, shift: 0, zoom: 0, brightness: 1 };
  augmentBatch(images, [0, 1], out, shape, cfg, 1, 0);
  const [b0, b1] = [0, 1].map((i) => drawAugmentParams(resolveAugmentConfig(cfg), shape, 1, 0, i).brightness);
  expect(b0).toBeGreaterThan(1.03); // this stream's draw overflows 255 before clamping
  expect(out.subarray(0, size).every((v) => v === 255)).toBe(true);
  expect(out.subarray(size).every((v) => v === Math.min(255, Math.round(250 * b1)))).toBe(true);
});

it('rejects bad augment options with a UsageError naming the field', () => {
  expect(() => resolveAugmentConfig({ rotation: -1 })).toThrow(/rotation/);
  expect(() => resolveAugmentConfig({ zoom: 2 })).toThrow(/zoom/);
  expect(() => resolveAugmentConfig({ fill: 'reflect' as never })).toThrow(/fill/);
  expect(() => resolveAugmentConfig({ rotaton: 5 } as never)).toThrow(UsageError);
  expect(() => augmentBatch(new Uint8Array(size), [1], new Uint8Array(size), shape, {}, 1, 0)).toThrow(/outside the set of 1/);
});
