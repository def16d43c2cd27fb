import { UsageError } from '@tensorpool/core';
import { checkLength, sampleSize, type ImageShape } from './shape.js';

/**
 * How uint8 pixels become float32 model inputs.
 * - 'div256': x / 256 (the seed Keras script; exact in float32).
 * - 'div255': x / 255.
 * - { mean, std }: per-channel (x - mean[c]) / std[c], mean and std in raw
 *   pixel units (0..255), as computed by `channelStats` on the training set.
 */
export type Normalization = 'div256' | 'div255' | { mean: number[]; std: number[] };

/** Validates a normalization for images with `channels` channels (UsageError otherwise). */
export function validateNormalization(norm: unknown, channels: number): Normalization {
  if (norm === 'div256' || norm === 'div255') return norm;
  if (typeof norm === 'object' && norm !== null && !Array.isArray(norm)) {
    const { mean, std } = norm as { mean?: unknown; std?: unknown };
    const ok = (a: unknown): a is number[] =>
      Array.isArray(a) && a.length === channels && a.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!ok(mean) || !ok(std)) {
      throw new UsageError(
        `normalization { mean, std } needs ${channels} finite numbers each (one per channel), got ${JSON.stringify(norm)}`,
      );
    }
    const bad = std.findIndex((s) => !(s > 0));
    if (bad >= 0) {
      throw new UsageError(`normalization std[${bad}] is ${std[bad]}: every std must be > 0 (a constant channel cannot be standardized; use 'div255')`);
    }
    return { mean: [...mean], std: [...std] };
  }
  throw new UsageError(`unknown normalization ${JSON.stringify(norm)}: use 'div256', 'div255' or { mean: number[], std: number[] }`);
}

/**
 * Lookup table [c, 256]: table[c * 256 + v] = float32 of the normalized value v
 * of channel c, computed in float64 then rounded once, so every mode gives the
 * correctly rounded result and the hot loops are one load per value.
 */
export function normalizationTable(norm: Normalization, channels: number): Float32Array {
  const n = validateNormalization(norm, channels);
  const t = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    for (let v = 0; v < 256; v++) {
      t[c * 256 + v] = n === 'div256' ? v / 256 : n === 'div255' ? v / 255 : (v - n.mean[c]) / n.std[c];
    }
  }
  return t;
}

/** Applies a table from `normalizationTable` to `count` values: src[srcAt..] -> out[outAt..]. */
export function applyTable(
  table: Float32Array, channels: number,
  src: Uint8Array, srcAt: number, out: Float32Array, outAt: number, count: number,
): void {
  if (channels === 1) {
    for (let i = 0; i < count; i++) out[outAt + i] = table[src[srcAt + i]];
  } else if (channels === 3) {
    for (let i = 0; i < count; i += 3) {
      out[outAt + i] = table[src[srcAt + i]];
      out[outAt + i + 1] = table[256 + src[srcAt + i + 1]];
      out[outAt + i + 2] = table[512 + src[srcAt + i + 2]];
    }
  } else {
    for (let i = 0; i < count; i++) out[outAt + i] = table[(i % channels) * 256 + src[srcAt + i]];
  }
}

/** [n, h, w, c] uint8 -> [n, h, w, c] float32 (the first n images of src into out). */
export function normalizeInto(src: Uint8Array, out: Float32Array, n: number, shape: ImageShape, norm: Normalization): void {
  const size = sampleSize(shape);
  checkLength(src, n, size, 'normalizeInto src');
  checkLength(out, n, size, 'normalizeInto out');
  applyTable(normalizationTable(norm, shape[2]), shape[2], src, 0, out, 0, n * size);
}

/**
 * The trainer's hot path: out[i] = normalize(images[indices[i]]), reading each
 * sample straight from the uint8 set [N, h, w, c] (no float copy of the set)
 * into a float32 batch buffer [indices.length, h, w, c].
 */
export function gatherNormalize(
  images: Uint8Array, indices: ArrayLike<number>, out: Float32Array, shape: ImageShape, norm: Normalization,
): void {
  const size = sampleSize(shape);
  const total = Math.floor(images.length / size);
  checkLength(out, indices.length, size, 'gatherNormalize out');
  const table = normalizationTable(norm, shape[2]);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (!Number.isInteger(k) || k < 0 || k >= total) {
      throw new UsageError(`gatherNormalize: indices[${i}] = ${k} is outside the set of ${total} images`);
    }
    applyTable(table, shape[2], images, k * size, out, i * size, size);
  }
}

/**
 * Per-channel mean and population std (ddof 0, like numpy/Keras
 * featurewise_center) of n uint8 images [n, h, w, c], in pixel units. Counts a
 * 256-bin histogram per channel (no float copy of the set), then sums the bins
 * in float64 in two passes, so the result is exact to float64 rounding.
 */
export function channelStats(images: Uint8Array, n: number, shape: ImageShape): { mean: number[]; std: number[] } {
  const size = sampleSize(shape);
  checkLength(images, n, size, 'channelStats images');
  if (n === 0) throw new UsageError('channelStats needs at least one image');
  const c = shape[2];
  // Uint32 bins flushed into float64 totals before they can overflow.
  const hist = new Float64Array(c * 256);
  const bins = new Uint32Array(c * 256);
  const total = n * size;
  const chunk = c * 0x1000000; // < 2^32 increments per bin per chunk
  for (let start = 0; start < total; start += chunk) {
    const end = Math.min(total, start + chunk);
    if (c === 1) for (let i = start; i < end; i++) bins[images[i]]++;
    else if (c === 3) {
      for (let i = start; i < end; i += 3) {
        bins[images[i]]++;
        bins[256 + images[i + 1]]++;
        bins[512 + images[i + 2]]++;
      }
    } else for (let i = start; i < end; i++) bins[((i - start) % c) * 256 + images[i]]++;
    for (let b = 0; b < bins.length; b++) hist[b] += bins[b];
    bins.fill(0);
  }
  const count = total / c;
  const mean: number[] = [];
  const std: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let v = 0; v < 256; v++) sum += v * hist[ch * 256 + v];
    const m = sum / count;
    let sq = 0;
    for (let v = 0; v < 256; v++) sq += (v - m) * (v - m) * hist[ch * 256 + v];
    mean.push(m);
    std.push(Math.sqrt(sq / count));
  }
  return { mean, std };
}
