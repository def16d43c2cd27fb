/**
 * Dense layer products with the kernel W [in, units] read in blocks of ~8 MB
 * from host memory (HostKernel: a view into the trainer's shared weight
 * vector) instead of a backend tensor. For the seed network's first dense
 * layer (W is [33856, 512], 66 MB) a replica then never holds W, its
 * transpose or its full gradient in the wasm heap: per thread that is three
 * 66 MB blocks less at the peak of a step.
 *
 * Same numbers as the whole-matrix products: each block computes a subset of
 * the output elements, each as the same dot product over the same operands
 * (blocks split the rows or columns of the result, never the summed dimension).
 *
 *   x [n, in], W [in, units], g = dLoss/dy [n, units]
 *   y    = x W        column blocks of W, transposed: y^T[c0:c1] = W[:, c0:c1]^T x^T
 *   dx   = g W^T      row blocks of W:  dx^T[r0:r1] = W[r0:r1] g^T
 *   dW   = x^T g      row blocks:       dW[r0:r1]   = x^T[r0:r1] g   (handed out one block at a time)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HostKernel } from './layer-type.js';
import { filledTensor } from '../tensor-storage.js';
import { markReadOnly } from '../kernels/read-only.js';

/** Default floats per block (8 MB). */
export const HOST_BLOCK_FLOATS = 1 << 21;

/** Rows (or columns) per block when the other dimension is `other`. */
const blockOf = (block: number, other: number) => Math.max(1, Math.floor(block / Math.max(1, other)));

/** Rows per block of hostKernelGrad for a kernel of `cols` columns (the last block may be shorter). */
export function kernelRowBlock(block: number, cols: number): number {
  return blockOf(block, cols);
}

/**
 * x [n, in] -> x W [n, units]. Per column block: a plain copy of W[:, c0:c1]
 * [in, c] (runs of c floats), transposed by the backend's Transpose (together ~10 ms
 * per 8 MB block on wasm under load, against ~20 for a transposing copy in JS), then multiplied
 * with the big operand on the left as the planned BatchMatMul does for a whole W;
 * x^T [in, n], the right operand of every block, is packed once (../kernels/read-only.ts).
 */
export function hostMatMul(x: tf.Tensor2D, w: HostKernel): tf.Tensor2D {
  const { values, rows, cols } = w;
  const cb = blockOf(w.block, rows);
  const xT = tf.transpose(x);
  markReadOnly(xT); // packed once for all blocks (wasm)
  const parts: tf.Tensor[] = [];
  for (let c0 = 0; c0 < cols; c0 += cb) {
    const c = Math.min(cb, cols - c0);
    const wc = filledTensor([rows, c], (out) => {
      for (let r = 0, src = c0; r < rows; r++, src += cols) out.set(values.subarray(src, src + c), r * c);
    });
    const wT = tf.transpose(wc) as tf.Tensor2D;
    wc.dispose();
    parts.push(tf.matMul(wT, xT));
    wT.dispose();
  }
  xT.dispose();
  const yT = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
  const y = tf.transpose(yT) as tf.Tensor2D;
  tf.dispose([yT, ...parts]);
  return y;
}

/** g [n, units] -> g W^T [n, in]. */
export function hostMatMulT(g: tf.Tensor2D, w: HostKernel): tf.Tensor2D {
  const { values, rows, cols } = w;
  const rb = blockOf(w.block, cols);
  const gT = tf.transpose(g);
  markReadOnly(gT); // packed once for all blocks (wasm)
  const parts: tf.Tensor[] = [];
  for (let r0 = 0; r0 < rows; r0 += rb) {
    const r = Math.min(rb, rows - r0);
    const wr = filledTensor([r, cols], (out) => out.set(values.subarray(r0 * cols, (r0 + r) * cols)));
    parts.push(tf.matMul(wr as tf.Tensor2D, gT));
    wr.dispose();
  }
  gT.dispose();
  const dxT = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
  const dx = tf.transpose(dxT) as tf.Tensor2D;
  tf.dispose([dxT, ...parts]);
  return dx;
}

/** dW = x^T g [in, units], handed to onRows(row0, block [r, units]) one row block at a time (disposed after). */
export function hostKernelGrad(x: tf.Tensor2D, g: tf.Tensor2D, w: HostKernel, onRows: (row0: number, block: tf.Tensor) => void): void {
  const { rows, cols } = w;
  const rb = blockOf(w.block, cols);
  const xT = tf.transpose(x);
  for (let r0 = 0; r0 < rows; r0 += rb) {
    const r = Math.min(rb, rows - r0);
    const xs = tf.slice(xT, [r0, 0], [r, xT.shape[1]]);
    const block = tf.matMul(xs, g);
    xs.dispose();
    onRows(r0, block);
    block.dispose();
  }
  xT.dispose();
}
