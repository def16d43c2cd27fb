/**
 * Convolution geometries shared by the conv kernel tests: batch 1, strides 2
 * and 3, same/valid padding, non-square kernels and inputs, odd sizes.
 */
import type { Random } from '@tensorpool/core';

export type ConvPad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
/** Input [n, h, w, cin], filter [kh, kw, cin, cout], strides s. */
export interface ConvCase { n: number; h: number; w: number; cin: number; cout: number; kh: number; kw: number; s: [number, number]; pad: ConvPad }

export const FIXED_CONV_CASES: readonly ConvCase[] = [
  { n: 1, h: 7, w: 7, cin: 3, cout: 4, kh: 3, kw: 3, s: [1, 1], pad: 'same' },
  { n: 2, h: 9, w: 6, cin: 2, cout: 5, kh: 3, kw: 2, s: [1, 1], pad: 'valid' },
  { n: 1, h: 8, w: 11, cin: 3, cout: 2, kh: 2, kw: 3, s: [2, 2], pad: 'same' },
  { n: 3, h: 10, w: 7, cin: 1, cout: 3, kh: 3, kw: 3, s: [2, 2], pad: 'valid' },
  { n: 2, h: 9, w: 9, cin: 4, cout: 3, kh: 5, kw: 1, s: [2, 1], pad: 'same' },
  { n: 1, h: 6, w: 6, cin: 2, cout: 2, kh: 1, kw: 1, s: [3, 3], pad: 'valid' },
];

/**
 * Stride-1 geometries that hit every tail of our SIMD kernels (wasm/*.c): 1x1
 * filters and inputs, 1-pixel borders, batch 1, widths not a multiple of 4,
 * channels not a multiple of 4 or 8, explicit padding.
 */
export const SIMD_ODD_CASES: readonly ConvCase[] = [
  { n: 1, h: 1, w: 1, cin: 1, cout: 1, kh: 1, kw: 1, s: [1, 1], pad: 'valid' },
  { n: 1, h: 1, w: 1, cin: 5, cout: 9, kh: 3, kw: 3, s: [1, 1], pad: 'same' },
  { n: 1, h: 3, w: 3, cin: 4, cout: 8, kh: 3, kw: 3, s: [1, 1], pad: 'valid' },
  { n: 2, h: 7, w: 5, cin: 3, cout: 32, kh: 3, kw: 3, s: [1, 1], pad: 'same' },
  { n: 3, h: 6, w: 9, cin: 7, cout: 13, kh: 3, kw: 3, s: [1, 1], pad: 'same' },
  { n: 1, h: 9, w: 8, cin: 33, cout: 17, kh: 3, kw: 3, s: [1, 1], pad: 'valid' },
  { n: 2, h: 5, w: 11, cin: 6, cout: 8, kh: 2, kw: 3, s: [1, 1], pad: 'same' },
  { n: 1, h: 6, w: 6, cin: 2, cout: 3, kh: 3, kw: 3, s: [1, 1], pad: [[0, 0], [1, 0], [0, 1], [0, 0]] },
];

/** A random geometry with up to `maxCin` input channels. */
export function randomConvCase(rng: Random, maxCin: number): ConvCase {
  const kh = 1 + rng.int(4), kw = 1 + rng.int(4);
  return {
    n: 1 + rng.int(3), h: kh + rng.int(8), w: kw + rng.int(8), cin: 1 + rng.int(maxCin), cout: 1 + rng.int(6), kh, kw,
    s: [1 + rng.int(3), 1 + rng.int(3)], pad: rng.int(2) ? 'same' : 'valid',
  };
}
