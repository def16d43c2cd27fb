import { Random } from '@tensorpool/core';
import type { ModelSpec } from './spec.js';
import { layerInfos, pair } from './manifest.js';
import { seedLayers } from './presets.js';

/**
 * An independent float64 plain-JS implementation of the forward pass and the
 * summed cross-entropy, used only as a test reference (finite differences need
 * more precision than float32 tfjs offers). Naive loops: tiny shapes only.
 */
export function referenceLoss(
  spec: ModelSpec, w: Float64Array | Float32Array, x: ArrayLike<number>, labels: ArrayLike<number>, n: number,
  mask?: (layerIndex: number) => ArrayLike<number> | null,
): number {
  const infos = layerInfos(spec);
  let shape = [...spec.inputShape];
  let a = Float64Array.from({ length: n * shape[0] * shape[1] * shape[2] }, (_, i) => x[i]);
  spec.layers.forEach((l, li) => {
    const info = infos[li];
    const out = info.outputShape;
    switch (l.type) {
      case 'conv2d': {
        const [h, wd, c] = shape;
        const [oh, ow, oc] = out;
        const [kh, kw] = pair(l.kernelSize, [1, 1]);
        const [sh, sw] = pair(l.strides, [1, 1]);
        // TF 'same': total padding max((o-1)*s + k - in, 0), the smaller half before.
        const pt = l.padding === 'same' ? Math.floor(Math.max((oh - 1) * sh + kh - h, 0) / 2) : 0;
        const pl = l.padding === 'same' ? Math.floor(Math.max((ow - 1) * sw + kw - wd, 0) / 2) : 0;
        const K = info.kernel!.offset;
        const B = info.bias!.offset;
        const y = new Float64Array(n * oh * ow * oc);
        for (let b = 0; b < n; b++)
          for (let i = 0; i < oh; i++)
            for (let j = 0; j < ow; j++)
              for (let o = 0; o < oc; o++) {
                let s = w[B + o];
                for (let di = 0; di < kh; di++) {
                  const yi = i * sh + di - pt;
                  if (yi < 0 || yi >= h) continue;
                  for (let dj = 0; dj < kw; dj++) {
                    const xj = j * sw + dj - pl;
                    if (xj < 0 || xj >= wd) continue;
                    for (let ci = 0; ci < c; ci++) s += a[((b * h + yi) * wd + xj) * c + ci] * w[K + ((di * kw + dj) * c + ci) * oc + o];
                  }
                }
                y[((b * oh + i) * ow + j) * oc + o] = l.activation === 'relu' ? Math.max(0, s) : s;
              }
        a = y;
        break;
      }
      case 'maxPooling2d': {
        const [h, wd, c] = shape;
        const [oh, ow] = out;
        const [ph, pw] = pair(l.poolSize, [2, 2]);
        const [sh, sw] = pair(l.strides, [ph, pw]);
        const y = new Float64Array(n * oh * ow * c);
        for (let b = 0; b < n; b++)
          for (let i = 0; i < oh; i++)
            for (let j = 0; j < ow; j++)
              for (let ci = 0; ci < c; ci++) {
                let m = -Infinity;
                for (let di = 0; di < ph; di++)
                  for (let dj = 0; dj < pw; dj++) {
                    const yi = i * sh + di;
                    const xj = j * sw + dj;
                    if (yi < h && xj < wd) m = Math.max(m, a[((b * h + yi) * wd + xj) * c + ci]);
                  }
                y[((b * oh + i) * ow + j) * c + ci] = m;
              }
        a = y;
        break;
      }
      case 'dense': {
        const fin = shape[0];
        const units = out[0];
        const K = info.kernel!.offset;
        const B = info.bias!.offset;
        const y = new Float64Array(n * units);
        for (let b = 0; b < n; b++)
          for (let u = 0; u < units; u++) {
            let s = w[B + u];
            for (let k = 0; k < fin; k++) s += a[b * fin + k] * w[K + k * units + u];
            y[b * units + u] = l.activation === 'relu' ? Math.max(0, s) : s;
          }
        a = y;
        break;
      }
      case 'dropout': {
        const m = mask?.(li);
        if (m) for (let i = 0; i < a.length; i++) a[i] *= m[i];
        break;
      }
      case 'activation':
        if (l.activation === 'relu') for (let i = 0; i < a.length; i++) a[i] = Math.max(0, a[i]);
        break;
      case 'flatten':
        break;
    }
    shape = out;
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
  return loss;
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
  mask?: (layerIndex: number) => ArrayLike<number> | null,
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
    const fd = (referenceLoss(spec, wp, x, labels, n, mask) - referenceLoss(spec, wm, x, labels, n, mask)) / (2 * h);
    return { name: e.name, analytic, fd };
  });
}
