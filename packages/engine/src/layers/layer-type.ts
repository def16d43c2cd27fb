import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { z } from 'zod';
import type { Activation } from '../spec.js';
import type { KerasReader } from './keras-reader.js';

/**
 * What the engine knows about one layer type, in the order tfjs-layers lays
 * out a layer: spec schema, output shape, weights and their initialisers,
 * forward, backward, Keras/tfjs config in and out, summary, memory estimate,
 * and a float64 reference used by the finite-difference tests. One object per
 * type in ./<type>.ts, listed once in ./registry.ts; forward.ts, backprop.ts,
 * manifest.ts, init.ts, validate.ts, keras*.ts, summary.ts and memory.ts loop
 * over it.
 *
 * Shapes: `inShape`/`outShape` are without the batch dimension ([h, w, c] or
 * [f]); tensors carry it ([n, h, w, c] or [n, f]).
 */
export type Json = Record<string, unknown>;

/**
/**
 * The weight tensors of a weighted layer by their Keras names (conv/dense:
 * kernel, bias; batch normalization: gamma, beta, moving_mean, moving_variance).
 * With `host` (dense layers only, see ./dense-host.ts) the kernel lives outside
 * the backend, in a flat weight vector read in blocks, and `kernel` is an
 * empty [0] placeholder.
 */
export type LayerParams = Record<string, tf.Tensor> & { host?: HostKernel };

/** A [rows, cols] row-major kernel in host memory (a view into a flat weight vector, e.g. a SharedArrayBuffer), used in blocks of about `block` floats. */
export interface HostKernel { values: Float32Array; rows: number; cols: number; block: number }

/**
 * Sums per-part partial results element-wise over the parts of one global
 * batch (threads of one step), in part order, so every part gets the same
 * totals whatever the thread count. Called by layers that couple the samples
 * of a batch (BatchNormalization); every part makes the same calls in the same
 * order. Without threads it returns its input.
 */
export interface BatchAllReduce { allReduce(partial: Float64Array): Float64Array }
export const LOCAL_ALL_REDUCE: BatchAllReduce = { allReduce: (p) => p };

/** Returns the dropout mask [n, ...featureShape] for a layer, or null for no dropout (inference). */
export type MaskFn = (layerIndex: number, rate: number, featureShape: number[], n: number) => tf.Tensor | null;

/** How a weight tensor starts; `random()` is uniform in [0, 1) from the entry's own stream. */
export type Initializer = (out: Float32Array, shape: readonly number[], random: () => number) => void;

/**
 * One weight tensor of a layer, in Keras's weight order. Non-trainable ones
 * (moving statistics) carry `movingMomentum`: the optimizer step sets
 * w = m·w + (1 - m)·g where g, the reduced "gradient" of that entry, is the
 * global batch's statistic (the layer reports n × statistic per part, and the
 * reduction divides the sum over parts by the global batch size).
 */
export interface WeightDef { name: string; shape: number[]; init: Initializer; movingMomentum?: number }

export interface ForwardArgs<L> {
  layer: L;
  index: number;
  /** Input [n, ...inShape]. */
  x: tf.Tensor;
  params: LayerParams | undefined;
  /** Apply a ReLU to the output (the layer's own, or a ReLU activation layer fused in). */
  relu: boolean;
  outShape: number[];
  /** null: inference. */
  mask: MaskFn | null;
  /** Training mode (batch statistics); false: inference (moving statistics). */
  training: boolean;
  /** Cross-part sums of one global batch (LOCAL_ALL_REDUCE without threads). */
  sync: BatchAllReduce;
}

export interface ForwardResult {
  /** Output [n, ...outShape]. */
  out: tf.Tensor;
  /** Anything the backward needs besides input and output (dropout: its mask [n, ...outShape]). */
  mask?: tf.Tensor;
  /** Further tensors the backward needs (batch normalization: x̂ [n, ..., c] and 1/σ [c]); disposed after it. */
  saved?: tf.Tensor[];
}

export interface BackwardArgs<L> {
  layer: L;
  /** Input [n, ...inShape] and output [n, ...outShape] of the forward step. */
  x: tf.Tensor;
  y: tf.Tensor;
  /** dLoss/dOutput [n, ...outShape], the ReLU's mask already applied. */
  g: tf.Tensor;
  mask?: tf.Tensor;
  saved?: tf.Tensor[];
  params: LayerParams | undefined;
  /** Whether the caller needs dLoss/dInput (false below the first weighted layer). */
  needDx: boolean;
  /** Training mode of the forward step. */
  training: boolean;
  sync: BatchAllReduce;
  /**
   * Weighted layers: called once with one tensor per weight, in `weights` order
   * (disposed by the caller); a host kernel's entry is null, its gradient having
   * been delivered in row blocks via onKernelRows.
   */
  onGrad(...grads: (tf.Tensor | null)[]): void;
  /** Host-kernel layers: rows [row0, row0 + rows) of dKernel [rows, cols] (disposed by the caller). */
  onKernelRows(row0: number, rows: tf.Tensor): void;
}

/** Inputs of the float64 reference forward (tests only). */
export interface ReferenceArgs<L> {
  layer: L;
  index: number;
  n: number;
  /** Input [n, ...inShape], row-major. */
  a: Float64Array;
  inShape: number[];
  outShape: number[];
  /** The flat weights and this layer's kernel/bias offsets in them; `offsets`: every weight's, by name. */
  w: ArrayLike<number>;
  kernel?: number;
  bias?: number;
  offsets: Record<string, number>;
  /** Training mode (batch statistics over the n samples). */
  training: boolean;
  /** Dropout mask of this layer [n, ...outShape], or null. */
  mask: ArrayLike<number> | null;
}

export interface LayerType<L extends { type: string } = { type: string }> {
  /** The spec's `type`. */
  type: L['type'];
  /** Keras class name and the base of Keras's unique layer names (conv2d -> conv2d_1). */
  className: string;
  kerasName: string;
  /** Zod schema of the spec entry (strict: unknown fields are refused). */
  schema: z.ZodObject;
  /** Output shape from the input shape; throws ModelError naming `where` when the layer does not fit. */
  outputShape(l: L, inShape: number[], where: string): number[];
  /** Weighted layers: their weight tensors in Keras's order (flat-vector order). */
  weights?(l: L, inShape: number[]): WeightDef[];
  /** The layer's own activation, if it has one. */
  activation?(l: L): Activation | undefined;
  /** A ReLU activation layer right after a linear one of this type runs fused into it. */
  fusesRelu?: boolean;
  forward(a: ForwardArgs<L>): ForwardResult;
  /** dLoss/dInput [n, ...inShape] (null when !needDx); weighted layers report their gradients via onGrad. */
  backward(a: BackwardArgs<L>): tf.Tensor | null;
  /** Loss term of the layer's weights for ONE sample (L2 penalty), as a scalar, or null. */
  penalty?(l: L, params: LayerParams): tf.Scalar | null;
  /** Keras config fields (Python names), without name/trainable/dtype. `v3`: Keras 3 serialisation. */
  toKeras(l: L, v3: boolean): Json;
  /** Our spec entry from a Keras config (Keras 2/3 or tfjs-layers' toJSON). */
  fromKeras(r: KerasReader): L;
  /** The tfjs-layers layer equivalent to `l`. */
  toTfjs(l: L, args: { name: string; inputShape?: number[] }): tfl.layers.Layer;
  /** Layers that couple the samples of a batch: the most float64 values one `sync.allReduce` call of theirs sums. */
  syncWidth?(l: L, inShape: number[]): number;
  /** Float32 values one training batch keeps of this layer per sample (default: its output). */
  activationElements?(l: L, outShape: number[]): number;
  /** Float64 forward for the finite-difference tests: [n, ...outShape]. */
  reference(a: ReferenceArgs<L>): Float64Array;
  /** Float64 `penalty` (tests): the kernel is w[kernel, kernel + count). */
  referencePenalty?(l: L, w: ArrayLike<number>, kernel: number, count: number): number;
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
