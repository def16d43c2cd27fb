import { Random } from '@tensorpool/core';
import type { ModelSpec } from './spec.js';
import { layerInfos, weightName } from './manifest.js';
import { layerType } from './layers/registry.js';
import { seedLayers } from './presets.js';

/**
 * An independent float64 plain-JS implementation of the forward pass (each
 * layer module's `reference`) and the summed cross-entropy (plus n times the
 * weight penalties), used only as a test reference (finite differences need
 * more precision than float32 tfjs offers). Naive loops: tiny shapes only.
 */
export function referenceLoss(
  spec: ModelSpec, w: Float64Array | Float32Array, x: ArrayLike<number>, labels: ArrayLike<number>, n: number,
  mask?: (layerIndex: number) => ArrayLike<number> | null, training = false,
): number {
  const infos = layerInfos(spec);
  let shape = [...spec.inputShape];
  let a: Float64Array = Float64Array.from({ length: n * shape[0] * shape[1] * shape[2] }, (_, i) => x[i]);
  let penalty = 0;
  spec.layers.forEach((l, index) => {
    const info = infos[index];
    const t = layerType(l);
    a = t.reference({ layer: l, index, n, a, inShape: shape, outShape: info.outputShape, w, kernel: info.kernel?.offset, bias: info.bias?.offset,
      offsets: Object.fromEntries(info.weights.map((e) => [weightName(e), e.offset])), mask: mask?.(index) ?? null, training });
    if (info.kernel && t.referencePenalty) penalty += t.referencePenalty(l, w, info.kernel.offset, info.kernel.size);
    shape = info.outputShape;
  });
  // a: logits [n, k]; summed CE via log-sum-exp.
  const k = spec.labels.length;
  let loss = 0;
  for (let b = 0; b < n; b++) {
    let mx = -Infinity;
    for (let j = 0; j < k; j++) mx = Math.max(mx, a[b * k + j]);
    let se = 0;
    for (let j = 0; j < k; j++) se += Math.exp(a[b * k + j] - mx);
    loss += mx + Math.log(se) - a[b * k + labels[b]];
  }
  return loss + n * penalty;
}

/**
 * The seed script's topology on the smallest input it accepts (10x10x1), 3
 * classes; slim widths by default (the cpu backend's Conv2DBackpropFilter is
 * very slow), full widths (32/64/512) with `full`.
 */
export function tinySeedSpec(full = false): ModelSpec {
  const widths = full ? undefined : { conv1: 4, conv2: 6, dense: 16 };
  return { name: 'tiny-seed', inputShape: [10, 10, 1], labels: ['a', 'b', 'c'], layers: seedLayers(3, widths) };
}

/** Deterministic test batch: pixels in [0, 1), labels in [0, classes). */
export function testBatch(spec: ModelSpec, n: number, seed: number): { x: Float32Array; labels: Int32Array } {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const [h, w, c] = spec.inputShape;
  const x = Float32Array.from({ length: n * h * w * c }, next);
  const labels = Int32Array.from({ length: n }, () => Math.floor(next() * spec.labels.length));
  return { x, labels };
}

/**
 * Directional derivatives, one random direction d per weight tensor: the
 * analytic g.d against central finite differences of `referenceLoss` in
 * float64 (h = 1e-7). Returns one row per manifest entry.
 */
export function directionalChecks(
  spec: ModelSpec, entries: readonly { name: string; offset: number; size: number }[], g: Float32Array,
  w: Float32Array, x: ArrayLike<number>, labels: ArrayLike<number>, n: number, directionSeed: number,
  mask?: (layerIndex: number) => ArrayLike<number> | null, training = false,
): { name: string; analytic: number; fd: number }[] {
  const w64 = Float64Array.from(w);
  const h = 1e-7;
  return entries.map((e, k) => {
    const r = new Random(directionSeed, k);
    const d = Float64Array.from({ length: e.size }, () => r.uniform(-1, 1));
    const wp = Float64Array.from(w64);
    const wm = Float64Array.from(w64);
    let analytic = 0;
    for (let j = 0; j < e.size; j++) {
      wp[e.offset + j] += h * d[j];
      wm[e.offset + j] -= h * d[j];
      analytic += g[e.offset + j] * d[j];
    }
    const fd = (referenceLoss(spec, wp, x, labels, n, mask, training) - referenceLoss(spec, wm, x, labels, n, mask, training)) / (2 * h);
    return { name: e.name, analytic, fd };
  });
}
