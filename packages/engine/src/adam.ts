import { DEFAULTS, UsageError } from '@tensorpool/core';

/**
 * Keras Adam on flat vectors, in place, on the slice [start, end) so the
 * trainer can split one update across threads (each element depends only on
 * its own w, g, m, v).
 *
 *   lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t)
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   w -= lr_t * m / (sqrt(v) + eps)
 *
 * This is Keras's (and tfjs's) form: epsilon is added to sqrt(v) and not
 * bias-corrected (the paper's "epsilon hat").
 */
export interface AdamOptions { learningRate: number; beta1: number; beta2: number; epsilon: number }

export const ADAM_DEFAULTS: AdamOptions = {
  learningRate: DEFAULTS.learningRate,
  beta1: DEFAULTS.beta1,
  beta2: DEFAULTS.beta2,
  epsilon: DEFAULTS.epsilon,
};

export function adamUpdate(
  w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
  t: number, opts: AdamOptions = ADAM_DEFAULTS, start = 0, end = w.length,
): void {
  if (!Number.isInteger(t) || t < 1) throw new UsageError(`adam step t must be an integer >= 1 (1-based), got ${t}`);
  if (g.length !== w.length || m.length !== w.length || v.length !== w.length) {
    throw new UsageError(`adam: w, g, m, v must have the same length (${w.length}, ${g.length}, ${m.length}, ${v.length})`);
  }
  if (start < 0 || end > w.length || start > end) throw new UsageError(`adam: slice [${start}, ${end}) is outside [0, ${w.length})`);
  const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps } = opts;
  const lrT = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  for (let i = start; i < end; i++) {
    const gi = g[i];
    const mi = b1 * m[i] + c1 * gi;
    const vi = b2 * v[i] + c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= (lrT * mi) / (Math.sqrt(vi) + eps);
  }
}
