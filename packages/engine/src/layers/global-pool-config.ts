import { z } from 'zod';
import type { Json } from './layer-type.js';
import type { KerasReader } from './keras-reader.js';
import { spatial } from './window.js';

/**
 * What GlobalAveragePooling2D and GlobalMaxPooling2D share: no fields, [h, w, c]
 * in, [c] out (keepdims false, as Keras's default, so a Dense can follow
 * directly), and their Keras config.
 */
export const globalPoolSchema = <T extends string>(type: T) => z.strictObject({ type: z.literal(type) });

export const globalPoolOutputShape = (_l: unknown, inShape: number[], where: string): number[] => [spatial(inShape, where)[2]];

export const globalPoolToKeras = (): Json => ({ data_format: 'channels_last', keepdims: false });

export function globalPoolFromKeras<T extends string>(r: KerasReader, type: T): { type: T } {
  r.channelsLast();
  if (r.cfg.keepdims === true) r.refuse('keepdims=True is not supported');
  return { type };
}

export const globalPoolToTfjs = (name: string, inputShape?: number[]) => ({ ...(inputShape ? { inputShape } : {}), name, dataFormat: 'channelsLast' as const });

/** Float64 reduction of each channel over h*w (tests): [n, h, w, c] -> [n, c]. */
export function referenceGlobalPool(a: Float64Array, n: number, inShape: number[], reduce: (values: number[]) => number): Float64Array {
  const [h, w, c] = inShape;
  const y = new Float64Array(n * c);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      const vals: number[] = [];
      for (let p = 0; p < h * w; p++) vals.push(a[(b * h * w + p) * c + ch]);
      y[b * c + ch] = reduce(vals);
    }
  return y;
}
