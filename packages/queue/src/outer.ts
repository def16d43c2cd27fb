/**
 * The outer optimizer: what the coordinator does with a round's
 * sample-weighted average W̄ of the shard weights, given the round's start
 * weights W and the momentum buffer u (zero before the first round):
 *
 *   Δ = W - W̄                       (pseudo-gradient: minus the averaged update)
 *   average : W' = W̄                (FedAvg, no state)
 *   momentum: u' = μu + Δ, W' = W - lr·u'           (FedAvgM)
 *   nesterov: u' = μu + Δ, W' = W - lr·(Δ + μu')    (DiLoCo's outer Nesterov)
 *
 * 'average' returns the float64 average rounded once to float32, exactly what
 * `weightedAverage` returns, so one round per epoch with 'average' is
 * bit-identical to the averaging before rounds and outer optimizers existed.
 *
 * `plain` entries (BatchNormalization's moving statistics, engine
 * movingEntries) are not trained, so no outer optimizer applies to them: they
 * take the average W̄ whatever `outer` is, and keep u = 0.
 */
import type { OuterOptimizer } from './schema.js';

export interface OuterSettings {
  outer: OuterOptimizer;
  outerLr: number;
  outerMomentum: number;
}

export interface OuterStep {
  weights: Float32Array;
  /** The new momentum buffer (absent for 'average'). */
  u?: Float32Array;
}

/** One outer step. `avg` is W̄ in float64; `u` the previous momentum (undefined = zeros). */
export function outerStep(
  start: Float32Array, avg: Float64Array, u: Float32Array | undefined, o: OuterSettings, plain: readonly { offset: number; size: number }[] = [],
): OuterStep {
  if (o.outer === 'average') return { weights: Float32Array.from(avg) };
  const n = start.length;
  const lr = o.outerLr;
  const mu = o.outerMomentum;
  const nesterov = o.outer === 'nesterov';
  const weights = new Float32Array(n);
  const next = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const d = start[i] - avg[i];
    const ui = mu * (u ? u[i] : 0) + d;
    next[i] = ui;
    weights[i] = start[i] - lr * (nesterov ? d + mu * ui : ui);
  }
  for (const e of plain) {
    for (let i = e.offset; i < e.offset + e.size; i++) weights[i] = avg[i];
    next.fill(0, e.offset, e.offset + e.size);
  }
  return { weights, u: next };
}
