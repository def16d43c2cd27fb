/**
 * Conv2DBackpropFilter for stride 1 without a gather: "wide" im2col.
 *
 * Index the output over the whole padded input grid (n, Y, X) in [n, Hp, Wp]
 * instead of [n, oh, ow], with dy zero outside its [oh, ow] corner:
 *   dyWide [n*Hp*Wp, outC].
 * Then the im2col row of tap (i, a, b) is the padded channel plane
 * xT[i] (flattened [n, Hp, Wp]) shifted by a*Wp + b: ONE contiguous copy per
 * row instead of one per output row. Positions past a row or sample end read
 * neighbouring input values, but they meet zeros in dyWide, so the product
 *   dW rows (i, a, b) = P [C*kh*kw, n*Hp*Wp] x dyWide [n*Hp*Wp, outC]
 * is exact. It multiplies Hp*Wp/(oh*ow) more (4% for the seed's 98x98 layer).
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeAll, heapF32, stock, type WasmBackend } from './wasm.js';

export function filterGradWide(x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, backend: WasmBackend, maxFloats: number): tf.TensorInfo {
  const [n, H, W, C] = x.shape;
  const { filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  const Hp = oh + kh - 1, Wp = ow + kw - 1; // the padded grid the stride-1 output covers
  const plane = Hp * Wp;
  const K = C * kh * kw;
  const chunk = Math.max(1, Math.min(n, Math.floor(maxFloats / (K * plane))));

  // xT [C, n, Hp, Wp]: channel planes of the zero-padded input
  const xT = backend.makeOutput([C, n, Hp, Wp], 'float32');
  {
    const xs = heapF32(backend, x), ts = heapF32(backend, xT);
    ts.fill(0);
    const rows = Math.min(H, Hp - pt), cols = Math.min(W, Wp - pl);
    for (let s = 0; s < n; s++) {
      for (let y = 0; y < rows; y++) {
        let src = ((s * H + y) * W) * C;
        const dstRow = (s * Hp + y + pt) * Wp + pl;
        for (let xx = 0; xx < cols; xx++, src += C) {
          for (let i = 0, d = dstRow + xx; i < C; i++, d += n * plane) ts[d] = xs[src + i];
        }
      }
    }
  }

  const acc = new Float32Array(K * co);
  for (let n0 = 0; n0 < n; n0 += chunk) {
    const nc = Math.min(chunk, n - n0);
    const M = nc * plane;
    const P = backend.makeOutput([1, K, M], 'float32');
    const dyWide = backend.makeOutput([1, M, co], 'float32');
    const ts = heapF32(backend, xT), ps = heapF32(backend, P), ws = heapF32(backend, dyWide), ds = heapF32(backend, dy);
    // dyWide: dy rows placed at the top-left [oh, ow] of each [Hp, Wp] grid
    ws.fill(0);
    for (let s = 0; s < nc; s++) {
      for (let y = 0; y < oh; y++) {
        const src = (((n0 + s) * oh + y) * ow) * co;
        ws.set(ds.subarray(src, src + ow * co), ((s * Hp + y) * Wp) * co);
      }
    }
    // P rows: shifted copies of each channel plane, zero past the plane's end
    for (let i = 0, row = 0; i < C; i++) {
      const planeEnd = (i + 1) * n * plane;
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++, row++) {
          const src = i * n * plane + n0 * plane + a * Wp + b;
          const len = Math.max(0, Math.min(M, planeEnd - src));
          ps.set(ts.subarray(src, src + len), row * M);
          if (len < M) ps.fill(0, row * M + len, (row + 1) * M);
        }
      }
    }
    const out = stock('BatchMatMul')({ inputs: { a: P, b: dyWide }, backend, attrs: { transposeA: false, transposeB: false } });
    const os = heapF32(backend, out);
    for (let k = 0; k < acc.length; k++) acc[k] += os[k];
    disposeAll(backend, [P, dyWide, out]);
  }
  backend.disposeData(xT.dataId);

  // acc rows are (i, a, b); the filter gradient is [kh, kw, C, co]
  const res = backend.makeOutput([kh, kw, C, co], 'float32');
  const rs = heapF32(backend, res);
  for (let i = 0, row = 0; i < C; i++) {
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++, row++) rs.set(acc.subarray(row * co, row * co + co), ((a * kw + b) * C + i) * co);
    }
  }
  return res;
}
