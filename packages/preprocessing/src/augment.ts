import { DEFAULTS, UsageError } from '@tensorpool/core';
import { inverseAffine } from './affine.js';
import { drawAugmentParams, resolveAugmentConfig, type AugmentConfig, type AugmentParams, type FillMode } from './augment-config.js';
import { normalizationTable, type Normalization } from './normalization.js';
import { checkLength, sampleSize, type ImageShape } from './shape.js';
import { warpAffine } from './warp.js';

export interface AugmentOneOptions {
  fill?: FillMode;
  fillValue?: number;
  /** Element offset of the image in src / dst (default 0). */
  srcOffset?: number;
  dstOffset?: number;
}

/**
 * Applies one image's transform: src [h, w, c] uint8 -> dst [h, w, c] uint8
 * (bilinear, see warp.ts). src and dst must be different memory.
 */
export function augmentOne(
  src: Uint8Array, dst: Uint8Array, shape: ImageShape, params: AugmentParams, opts: AugmentOneOptions = {},
): void {
  const size = sampleSize(shape);
  const srcAt = opts.srcOffset ?? 0;
  const dstAt = opts.dstOffset ?? 0;
  if (!(Number.isInteger(srcAt) && srcAt >= 0 && srcAt + size <= src.length)) {
    throw new UsageError(`augmentOne: src holds ${src.length} values, cannot read ${size} at offset ${srcAt}`);
  }
  if (!(Number.isInteger(dstAt) && dstAt >= 0 && dstAt + size <= dst.length)) {
    throw new UsageError(`augmentOne: dst holds ${dst.length} values, cannot write ${size} at offset ${dstAt}`);
  }
  const fill = opts.fill ?? 'nearest';
  const fillValue = opts.fillValue ?? 0;
  if (fill !== 'nearest' && fill !== 'constant') throw new UsageError(`augmentOne: fill must be 'nearest' or 'constant', got ${JSON.stringify(fill)}`);
  const [h, w, c] = shape;
  warpAffine(src, srcAt, dst, dstAt, h, w, c, inverseAffine(params, h, w), params.brightness, fill, fillValue);
}

/**
 * Online augmentation of a batch: out[i] = augment(images[indices[i]]) with
 * params from Random(seed, epoch, indices[i], AUGMENT_SALT), so a sample's
 * transform depends only on (seed, epoch, sample index).
 * images: the set [N, h, w, c] uint8. out: [indices.length, h, w, c], either
 * uint8 (augmented pixels) or float32 (augmented then normalized with `norm`,
 * default DEFAULTS.normalization), fused so the batch is written once.
 */
export function augmentBatch(
  images: Uint8Array, indices: ArrayLike<number>, out: Uint8Array | Float32Array, shape: ImageShape,
  config: Partial<AugmentConfig>, seed: number, epoch: number, norm: Normalization = DEFAULTS.normalization,
): void {
  const size = sampleSize(shape);
  const total = Math.floor(images.length / size);
  checkLength(out, indices.length, size, 'augmentBatch out');
  const cfg = resolveAugmentConfig(config);
  const [h, w, c] = shape;
  const asFloat = out instanceof Float32Array;
  const table = asFloat ? normalizationTable(norm, c) : null;
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (!Number.isInteger(k) || k < 0 || k >= total) {
      throw new UsageError(`augmentBatch: indices[${i}] = ${k} is outside the set of ${total} images`);
    }
    const p = drawAugmentParams(cfg, shape, seed, epoch, k);
    const m = inverseAffine(p, h, w);
    if (asFloat) warpAffine(images, k * size, null, i * size, h, w, c, m, p.brightness, cfg.fill, cfg.fillValue, table, out);
    else warpAffine(images, k * size, out, i * size, h, w, c, m, p.brightness, cfg.fill, cfg.fillValue);
  }
}
