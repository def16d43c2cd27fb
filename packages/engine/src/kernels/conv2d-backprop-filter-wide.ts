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
import { disposeAll, filterFromRows, heapF32, stock, type WasmBackend } from './wasm.js';

export function filterGradWide(x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, backend: WasmBackend, chunkColumns: number): tf.TensorInfo {
  const [n, H, W, C] = x.shape;
  const { filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  const Hp = oh + kh - 1, Wp = ow + kw - 1; // the padded grid the stride-1 output covers
  const plane = Hp * Wp;
  const K = C * kh * kw;

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

  // Column chunks: XNNPACK streams the whole reduction for every [mr x nr] output
  // tile, so a chunk keeps its slice of the packed dyWide in cache across the
  // K/mr row tiles. P is a left operand (never cached by id), so one buffer serves
  // every chunk; each chunk's dyWide is a new tensor (right operands are cached by id).
  const total = n * plane;
  const chunks = Math.max(1, Math.round(total / chunkColumns));
  const M = Math.ceil(total / chunks);
  const P = backend.makeOutput([1, K, M], 'float32');
  const acc = new Float32Array(K * co);
  for (let m0 = 0; m0 < total; m0 += M) {
    const dyWide = backend.makeOutput([1, M, co], 'float32');
    const ts = heapF32(backend, xT), ps = heapF32(backend, P), ws = heapF32(backend, dyWide), ds = heapF32(backend, dy);
    // dyWide rows m0..m0+M: dy at grid positions (s, Y < oh, X < ow), zero elsewhere
    ws.fill(0);
    for (let r = Math.floor(m0 / Wp), rEnd = Math.min(n * Hp, Math.ceil((m0 + M) / Wp)); r < rEnd; r++) {
      const Y = r % Hp;
      if (Y >= oh) continue;
      const s = (r - Y) / Hp, rowStart = r * Wp;
      const lo = Math.max(m0, rowStart), hi = Math.min(m0 + M, rowStart + ow);
      if (lo >= hi) continue;
      const src = ((s * oh + Y) * ow + (lo - rowStart)) * co;
      ws.set(ds.subarray(src, src + (hi - lo) * co), (lo - m0) * co);
    }
    // P rows: shifted copies of each channel plane, zero past the plane's end
    for (let i = 0, row = 0; i < C; i++) {
      const planeEnd = (i + 1) * total;
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++, row++) {
          const src = i * total + m0 + a * Wp + b;
          const len = Math.max(0, Math.min(M, planeEnd - src));
          ps.set(ts.subarray(src, src + len), row * M);
          if (len < M) ps.fill(0, row * M + len, (row + 1) * M);
        }
      }
    }
    const out = stock('BatchMatMul')({ inputs: { a: P, b: dyWide }, backend, attrs: { transposeA: false, transposeB: false } });
    const os = heapF32(backend, out);
    for (let k = 0; k < acc.length; k++) acc[k] += os[k];
    disposeAll(backend, [dyWide, out]);
  }
  disposeAll(backend, [P]);
  backend.disposeData(xT.dataId);

  return filterFromRows(backend, acc, kh, kw, C, co);
}
