/**
 * Conv2DBackpropFilter for stride 1 as ONE forward XNNPACK Conv2D, roles swapped:
 *
 *   dW[a, b, i, o] = sum over (s, y, x) of xp[s, y + a, x + b, i] * dy[s, y, x, o]
 *
 * is a valid convolution of
 *   input  I [C, Hp, Wp, n]    = xp transposed (samples become channels)
 *   filter F [oh, ow, n, outC] = dy transposed
 * giving [C, kh, kw, outC], transposed to [kh, kw, C, outC]. xp is x zero-padded
 * to the grid the stride-1 output covers (Hp = oh + kh - 1). No im2col copy in
 * JS, no wasted products (the wide im2col multiplies the padded grid), and XNNPACK's
 * indirect conv reads I in place. Measured on the fashion-mnist layers (28x28
 * and 13x13, 32-64 channels, batch 16): 10-40% faster than the wide im2col.
 * The filter F is a new tensor every call, so XNNPACK's per-id operator cache
 * can never serve stale values; disposing it drops the cached operator.
 *
 * The indirection buffer grows with C*kh*kw*oh*ow pointers, so the caller keeps
 * this route to small outputs (see conv2d-backprop-filter.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeAll, stock, type WasmBackend } from './wasm.js';

export function filterGradConv(x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, backend: WasmBackend): tf.TensorInfo | null {
  const [, H, W] = x.shape;
  const { filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow } = info;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  const Hp = oh + kh - 1, Wp = ow + kw - 1;
  const pb = Hp - H - pt, pr = Wp - W - pl;
  if (pb < 0 || pr < 0) return null; // the caller's other routes cover it
  const temps: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo) => (temps.push(t), t);
  const padded = pt || pb || pl || pr
    ? keep(stock('PadV2')({ inputs: { x }, backend, attrs: { paddings: [[0, 0], [pt, pb], [pl, pr], [0, 0]], constantValue: 0 } }))
    : x;
  const I = keep(stock('Transpose')({ inputs: { x: padded }, backend, attrs: { perm: [3, 1, 2, 0] } }));
  const F = keep(stock('Transpose')({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } }));
  const out = keep(stock('Conv2D')({
    inputs: { x: I, filter: F }, backend,
    attrs: { strides: [1, 1], dilations: [1, 1], pad: 'valid', dataFormat: 'NHWC' },
  }));
  const res = stock('Transpose')({ inputs: { x: out }, backend, attrs: { perm: [1, 2, 0, 3] } });
  disposeAll(backend, temps);
  return res;
}
