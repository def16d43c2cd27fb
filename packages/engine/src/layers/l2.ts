import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { Json } from './layer-type.js';
import type { KerasReader } from './keras-reader.js';

/**
 * `kernelRegularizer: { l2: λ }` on Conv2D and Dense, as Keras's
 * `kernel_regularizer=l2(λ)`: the loss gains λ·Σ kernel². Our losses are sums
 * over samples (the trainer divides by the global batch), so a replica adds the
 * penalty once PER SAMPLE it holds: n·λ·Σw² to the loss and n·2λ·w to the
 * kernel gradient. Summed over any split of a batch into threads that is
 * B·λ·Σw², i.e. mean cross-entropy + λ·Σw² after the division, whatever the
 * thread count.
 */
export interface L2 { l2: number }

export const l2Schema = z.strictObject({ l2: z.number().min(0).max(1e6) });

/** λ·Σ kernel² for one sample. */
export function l2Penalty(reg: L2 | undefined, kernel: tf.Tensor): tf.Scalar | null {
  return reg && reg.l2 > 0 ? tf.tidy(() => tf.mul(reg.l2, tf.sum(tf.square(kernel))) as tf.Scalar) : null;
}

/** dKernel + n·2λ·kernel (n = samples of the batch); dKernel itself when there is no penalty. */
export function withL2Grad(reg: L2 | undefined, dKernel: tf.Tensor, kernel: tf.Tensor, n: number): tf.Tensor {
  if (!reg || reg.l2 === 0) return dKernel;
  const out = tf.tidy(() => tf.add(dKernel, tf.mul(kernel, 2 * reg.l2 * n)));
  dKernel.dispose();
  return out;
}

/** Float64 λ·Σ kernel² (test reference). */
export function referenceL2(reg: L2 | undefined, w: ArrayLike<number>, offset: number, count: number): number {
  if (!reg) return 0;
  let s = 0;
  for (let j = 0; j < count; j++) s += w[offset + j] * w[offset + j];
  return reg.l2 * s;
}

/** The Keras `kernel_regularizer` value. */
export function l2ToKeras(reg: L2 | undefined, v3: boolean): Json | null {
  if (!reg) return null;
  return v3 ? { module: 'keras.regularizers', class_name: 'L2', config: { l2: reg.l2 }, registered_name: null } : { class_name: 'L2', config: { l2: reg.l2 } };
}

/** `{ kernelRegularizer }` from a Keras config (L2, or L1L2 with l1 = 0 as tfjs-layers writes it), or {}. */
export function l2FromKeras(r: KerasReader): { kernelRegularizer?: L2 } {
  const v = r.cfg.kernel_regularizer as Json | null | undefined;
  if (v == null) return {};
  const cfg = (v.config ?? {}) as Json;
  const l1 = Number(cfg.l1 ?? 0);
  const l2 = Number(cfg.l2 ?? 0);
  if ((v.class_name !== 'L2' && v.class_name !== 'L1L2') || l1 !== 0 || !Number.isFinite(l2) || l2 < 0) {
    r.refuse(`kernel_regularizer ${JSON.stringify(v)} is not supported (only l2)`);
  }
  return { kernelRegularizer: { l2 } };
}

export function l2ToTfjs(reg: L2 | undefined): { kernelRegularizer?: ReturnType<typeof tfl.regularizers.l2> } {
  return reg ? { kernelRegularizer: tfl.regularizers.l2({ l2: reg.l2 }) } : {};
}
