import { z } from 'zod';
import type { Padding } from '../spec.js';
import type { Json } from './layer-type.js';
import type { KerasReader } from './keras-reader.js';
import { pair, pairSchema, paddingSchema, referencePool, spatial, windowOutput } from './window.js';

/**
 * What MaxPooling2D and AveragePooling2D share: their spec fields (strides
 * default to the pool size, padding to 'valid', as in Keras), output shape,
 * Keras config and float64 reference loop. Each module keeps its own forward
 * and backward.
 */
export interface Pool2DFields { poolSize?: number | [number, number]; strides?: number | [number, number]; padding?: Padding }

export const pool2dSchema = <T extends string>(type: T) =>
  z.strictObject({ type: z.literal(type), poolSize: pairSchema.optional(), strides: pairSchema.optional(), padding: paddingSchema.optional() });

export const poolWindow = (l: Pool2DFields) => pair(l.poolSize, [2, 2]);
export const poolStrides = (l: Pool2DFields) => pair(l.strides, poolWindow(l));
export const poolPadding = (l: Pool2DFields): Padding => l.padding ?? 'valid';
/** tfjs pooling kernel attributes. */
export const poolAttrs = (l: Pool2DFields) => ({ filterSize: poolWindow(l), strides: poolStrides(l), pad: poolPadding(l), dimRoundingMode: undefined });

/** [h, w, c] -> [oh, ow, c] */
export function poolOutputShape(l: Pool2DFields, inShape: number[], where: string): number[] {
  const [oh, ow] = windowOutput(inShape, poolWindow(l), poolStrides(l), poolPadding(l), where);
  return [oh, ow, spatial(inShape, where)[2]];
}

export const poolToKeras = (l: Pool2DFields): Json => ({ pool_size: poolWindow(l), padding: poolPadding(l), strides: poolStrides(l), data_format: 'channels_last' });

export function poolFromKeras<T extends string>(r: KerasReader, type: T): { type: T } & Pool2DFields {
  r.channelsLast();
  const poolSize = r.pair('pool_size', 2);
  const st = r.cfg.strides == null ? poolSize : r.pair('strides');
  const p = r.padding();
  return { type, poolSize, ...(String(st) !== String(poolSize) ? { strides: st } : {}), ...(p === 'same' ? { padding: p } : {}) };
}

/** tfjs-layers pooling layer arguments. */
export const poolToTfjs = (l: Pool2DFields, name: string, inputShape?: number[]) => ({
  ...(inputShape ? { inputShape } : {}), name, poolSize: l.poolSize ?? 2, strides: l.strides ?? l.poolSize ?? 2, padding: poolPadding(l),
});

export const referencePool2d = (l: Pool2DFields, a: Float64Array, n: number, inShape: number[], outShape: number[], reduce: (values: number[]) => number) =>
  referencePool(a, n, inShape, outShape, poolWindow(l), poolStrides(l), poolPadding(l), reduce);
