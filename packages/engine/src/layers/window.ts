import { z } from 'zod';
import { ModelError } from '@tensorpool/core';
import type { Padding } from '../spec.js';

/** Spec pieces shared by the layer schemas, and the window arithmetic of convolutions and pooling. */
export const posInt = z.number().int().positive();
export const pairSchema = z.union([posInt, z.tuple([posInt, posInt])]);
export const activationSchema = z.enum(['relu', 'softmax', 'linear']);
export const paddingSchema = z.enum(['same', 'valid']);

export function pair(v: number | [number, number] | undefined, dflt: [number, number]): [number, number] {
  if (v === undefined) return dflt;
  return typeof v === 'number' ? [v, v] : v;
}

/** Keras/TF output length of a conv or pooling window along one axis. */
export function outLen(len: number, k: number, s: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(len / s) : Math.floor((len - k) / s) + 1;
}

/** The input as [h, w, c], or a ModelError naming the layer. */
export function spatial(inShape: number[], where: string): [number, number, number] {
  if (inShape.length !== 3) throw new ModelError(`invalid model spec: ${where} needs a [h, w, c] input but gets [${inShape.join(', ')}]`);
  return inShape as [number, number, number];
}

/** [oh, ow] of a window `win` moved by `st` over [h, w, c]; throws when nothing is left. */
export function windowOutput(inShape: number[], win: [number, number], st: [number, number], pad: Padding, where: string): [number, number] {
  const [h, w] = spatial(inShape, where);
  const oh = outLen(h, win[0], st[0], pad);
  const ow = outLen(w, win[1], st[1], pad);
  if (oh < 1 || ow < 1) throw new ModelError(`invalid model spec: ${where} leaves no output: input ${h}x${w} is smaller than its ${win[0]}x${win[1]} window; use padding 'same' or a larger inputShape`);
  return [oh, ow];
}

/** TF 'same' padding before the first row/column: total max((o-1)*s + k - in, 0), the smaller half first. */
export function padBefore(pad: Padding, inLen: number, outLen_: number, k: number, s: number): number {
  return pad === 'same' ? Math.floor(Math.max((outLen_ - 1) * s + k - inLen, 0) / 2) : 0;
}

/**
 * Float64 window loop for the reference implementations: for output [b, i, j, ch]
 * calls visit(inputIndex) on each in-bounds input cell of channel ch, returns
 * the values `reduce` makes of them. Input/Output [n, h, w, c], [n, oh, ow, c].
 */
export function referencePool(
  a: Float64Array, n: number, inShape: number[], outShape: number[], win: [number, number], st: [number, number], pad: Padding,
  reduce: (values: number[]) => number,
): Float64Array {
  const [h, w, c] = inShape;
  const [oh, ow] = outShape;
  const pt = padBefore(pad, h, oh, win[0], st[0]);
  const pl = padBefore(pad, w, ow, win[1], st[1]);
  const y = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let ch = 0; ch < c; ch++) {
          const vals: number[] = [];
          for (let di = 0; di < win[0]; di++)
            for (let dj = 0; dj < win[1]; dj++) {
              const yi = i * st[0] + di - pt;
              const xj = j * st[1] + dj - pl;
              if (yi >= 0 && yi < h && xj >= 0 && xj < w) vals.push(a[((b * h + yi) * w + xj) * c + ch]);
            }
          y[((b * oh + i) * ow + j) * c + ch] = reduce(vals);
        }
  return y;
}
