/**
 * BatchMatMul for wasm, rewritten around XNNPACK's one fast path. The stock
 * kernel sends any transposed operand to a naive blocked loop (1.3-1.6
 * GFLOP/s); only untransposed batch-1 products reach XNNPACK, which then packs
 * the right operand on every call with a new tensor, and that packing is slow:
 * 7-20 ns per float (20 for wide N), against ~3 for an explicit Transpose. For
 * the seed network's dense layer ([16,33856] x [33856,512]) packing W costs
 * 0.35-0.45 s while the product itself takes 0.04 s.
 *
 * So we compute C = op(A) op(B) [M, N] as the cheaper of
 *   direct:  C   = op(A) op(B)        transposing A and/or B explicitly
 *   swapped: C^T = op(B)^T op(A)^T    then transposing the [N, M] result
 * by a cost model of those measured ns per float (explicit transposes, packing
 * of the right operand, the final transpose). Dense forward and dx become
 * products with the big weight matrix on the left (never packed).
 */
import * as tf from '@tensorflow/tfjs-core';
import { freshCopy } from './fresh-operands.js';
import { isReadOnly } from './read-only.js';
import { disposeAll, view, type KernelArgs, type WasmKernel } from './wasm.js';

export interface MatMulPlan {
  /** 'direct' or 'swapped' (see above). */
  variant: 'direct' | 'swapped';
  /** Estimated data-movement cost in ns (transposes and packing, not the product). */
  cost: number;
}

/** ns per float of an explicit Transpose on wasm (measured 1.3-8, typically ~3). */
const TRANSPOSE_NS = 3;
/** ns per float for XNNPACK to pack a [K, N] right operand (measured: 7 at N=32, 20 at N=512). */
const packNs = (N: number) => Math.min(20, 7 + N / 40);

/** The cheaper rewrite of op(A) [M, K] x op(B) [K, N]. */
export function planMatMul(M: number, K: number, N: number, transposeA: boolean, transposeB: boolean): MatMulPlan {
  const direct = TRANSPOSE_NS * ((transposeA ? M * K : 0) + (transposeB ? K * N : 0)) + packNs(N) * K * N;
  const swapped = TRANSPOSE_NS * ((transposeB ? 0 : K * N) + (transposeA ? 0 : M * K) + M * N) + packNs(M) * K * M;
  return direct <= swapped ? { variant: 'direct', cost: direct } : { variant: 'swapped', cost: swapped };
}

/** Wraps the stock kernel: batched products, non-float32 and cheap direct products go to it unchanged. */
export function makeBatchMatMul(stockMatMul: WasmKernel, stockTranspose: WasmKernel): WasmKernel {
  return (args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const transposeA = Boolean(attrs.transposeA), transposeB = Boolean(attrs.transposeB);
    const ra = a.shape.length, rb = b.shape.length;
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2)), batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    if (batchA !== 1 || batchB !== 1 || a.dtype !== 'float32' || b.dtype !== 'float32') return stockMatMul(args);
    const [a0, a1] = [a.shape[ra - 2], a.shape[ra - 1]];
    const [b0, b1] = [b.shape[rb - 2], b.shape[rb - 1]];
    const M = transposeA ? a1 : a0, K = transposeA ? a0 : a1, N = transposeB ? b0 : b1;
    const plan = planMatMul(M, K, N, transposeA, transposeB);
    if (plan.variant === 'direct' && !transposeA && !transposeB) {
      // A fresh right operand: XNNPACK caches it packed per tensor id (stale after in-place writes), unless
      // it is never written in place (./read-only.ts): then its packing is reused.
      if (isReadOnly(b)) return stockMatMul(args);
      const copy = freshCopy(backend, b);
      const out = stockMatMul({ ...args, inputs: { a, b: copy } });
      backend.disposeData(copy.dataId);
      return out;
    }
    const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), M, N];
    const A2 = view(a, [a0, a1]), B2 = view(b, [b0, b1]);
    const T = (t: tf.TensorInfo) => stockTranspose({ inputs: { x: t }, backend, attrs: { perm: [1, 0] } });
    const temps: tf.TensorInfo[] = [];
    const keep = (t: tf.TensorInfo) => (temps.push(t), t);
    const mm = (l: tf.TensorInfo, r: tf.TensorInfo) =>
      stockMatMul({ inputs: { a: view(l, [1, ...l.shape]), b: view(r, [1, ...r.shape]) }, backend, attrs: { transposeA: false, transposeB: false } });

    let out: tf.TensorInfo;
    if (plan.variant === 'direct') {
      out = mm(transposeA ? keep(T(A2)) : A2, transposeB ? keep(T(B2)) : B2);
    } else {
      // C^T [N, M] = op(B)^T [N, K] x op(A)^T [K, M]
      const outT = keep(mm(transposeB ? B2 : keep(T(B2)), transposeA ? A2 : keep(T(A2))));
      out = T(view(outT, [N, M]));
    }
    disposeAll(backend, temps);
    return { dataId: out.dataId, shape: outShape, dtype: 'float32' };
  };
}
