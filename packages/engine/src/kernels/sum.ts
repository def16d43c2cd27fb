/**
 * Sum over leading axes for wasm. The stock kernel first transposes the input
 * so the reduced axes are innermost; bias gradients (sum of dy [n, h, w, c] over
 * [0, 1, 2]) then copy the whole activation. Summing rows into per-column
 * float64 accumulators needs no copy and is as exact as the cpu backend's
 * double accumulation. For [n, h, w, c] over [0, 1, 2] XNNPACK's average pool
 * over the whole [h, w] window does the bulk (SIMD, ~5x faster than the JS
 * loop); we add up its n rows and rescale. Other reductions go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapF32, stock, type KernelArgs } from './wasm.js';

export function sum(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs as { x: tf.TensorInfo };
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((p, q) => p - q);
  const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  if (x.dtype !== 'float32' || !leading) return stock('Sum')(args);
  const cols = tf.util.sizeFromShape(x.shape.slice(axes.length));
  const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
  const outShape = attrs.keepDims ? tf.backend_util.expandShapeToKeepDim(x.shape.slice(axes.length), axes) : x.shape.slice(axes.length);
  if (rank === 4 && axes.length === 3 && x.shape[1] * x.shape[2] > 1) return sumOverPixels(x, outShape, args.backend);
  const out = backend.makeOutput(outShape, 'float32');
  const xs = heapF32(backend, x), os = heapF32(backend, out);
  const acc = new Float64Array(cols);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++, i++) acc[c] += xs[i];
  }
  os.set(acc);
  return out;
}

/** sum of x [n, h, w, c] over n, h, w = h*w * (sum over n of the [h, w] average pool). */
function sumOverPixels(x: tf.TensorInfo, outShape: number[], backend: KernelArgs['backend']): tf.TensorInfo {
  const [n, h, w, c] = x.shape;
  const pooled = stock('AvgPool')({ inputs: { x }, backend, attrs: { filterSize: [h, w], strides: [h, w], pad: 'valid' } });
  const out = backend.makeOutput(outShape, 'float32');
  const ps = heapF32(backend, pooled), os = heapF32(backend, out);
  const acc = new Float64Array(c);
  for (let s = 0, i = 0; s < n; s++) {
    for (let k = 0; k < c; k++, i++) acc[k] += ps[i];
  }
  for (let k = 0; k < c; k++) os[k] = acc[k] * h * w;
  backend.disposeData(pooled.dataId);
  return out;
}
