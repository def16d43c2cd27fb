import * as tf from '@tensorflow/tfjs-core';
import { ModelError, UsageError } from '@tensorpool/core';
import type { ModelSpec } from './spec.js';
import { layerInfos, weightManifest, weightName, type LayerInfo, type WeightManifest } from './manifest.js';
import { forward, forwardLogits, type BatchAllReduce, type LayerParams, type MaskFn } from './forward.js';
import type { HostKernel } from './layers/layer-type.js';
import { HOST_BLOCK_FLOATS, kernelRowBlock } from './layers/dense-host.js';
import { backward } from './backprop.js';
import { fillDropoutMask } from './dropout.js';
import { validateSpec } from './validate.js';
import { layerType } from './layers/registry.js';
import { markWrittenInPlace } from './kernels/in-place.js';
import { filledTensor, storage } from './tensor-storage.js';

/**
 * Receives a gradient piece by piece: the values of flat-vector positions
 * [offset, offset + values.length), in a fixed order for a given spec and
 * replica options. `values` may be a view of backend memory: read it before returning.
 */
export type GradientSink = (offset: number, values: Float32Array) => void;

/**
 * `training`: dropout and batch statistics. `sync`: sums over the parts of the
 * global batch this call computes one part of (threads of one step); default:
 * this call is the whole batch.
 */
export interface GradientOptions { training: boolean; seed: number; epoch: number; sampleIds: ArrayLike<number>; sync?: BatchAllReduce }
export interface BatchStats { lossSum: number; correct: number; count: number }
export interface EvalResult extends BatchStats { predictions: Int32Array }

/** Samples per forward pass in predict/evaluate, to bound activation memory (seed net: ~5 MB per sample). */
const EVAL_CHUNK = 32;

/**
 * One model instance on the current tfjs backend, driven by flat weight
 * vectors (manifest order). Weights live in tf.Variables created once;
 * setWeights overwrites their storage in place on the wasm and cpu backends
 * (no allocation per step), and falls back to assign() elsewhere.
 */
export interface ReplicaOptions {
  /**
   * Dense kernels of at least HOST_KERNEL_MIN values (and no regularizer) stay
   * in the flat vector given to setWeights, read in blocks from there
   * (layers/dense-host.ts), instead of being copied into the backend. The
   * caller must leave that vector unchanged while the replica computes and
   * call setWeights again after changing it. Thread replicas use it with the
   * trainer's shared weights: one copy of the big kernel for all threads.
   */
  shareKernels?: boolean;
  /** Smallest kernel (values) kept in host memory; default HOST_KERNEL_MIN (tests go lower). */
  hostKernelMin?: number;
  /** Floats per block of a host kernel; default HOST_BLOCK_FLOATS (8 MB; tests go lower). */
  hostBlockFloats?: number;
}

/** Smallest dense kernel (values) a sharing replica keeps in host memory: 4 MB. */
export const HOST_KERNEL_MIN = 1 << 20;

/** Whether a sharing replica keeps this layer's kernel in host memory. */
function isHostKernel(spec: ModelSpec, info: LayerInfo, opts: ReplicaOptions): boolean {
  const l = spec.layers[info.index];
  return opts.shareKernels === true && l.type === 'dense' && !l.kernelRegularizer && (info.kernel?.size ?? 0) >= (opts.hostKernelMin ?? HOST_KERNEL_MIN);
}

/** How many pieces Replica.gradients hands a GradientSink per call, for this spec and these options. */
export function gradientPieces(spec: ModelSpec, opts: ReplicaOptions = {}): number {
  let pieces = 0;
  for (const info of layerInfos(spec)) {
    const kernel = info.kernel;
    // One piece per weight, except a host kernel: one per row block.
    pieces += info.weights.length;
    if (kernel && isHostKernel(spec, info, opts)) pieces += Math.ceil(kernel.shape[0] / kernelRowBlock(opts.hostBlockFloats ?? HOST_BLOCK_FLOATS, kernel.shape[1])) - 1;
  }
  return pieces;
}

export class Replica {
  readonly manifest: WeightManifest;
  readonly spec: ModelSpec;
  private readonly infos: LayerInfo[];
  private readonly vars: tf.Variable[] = [];
  /** Per layer index: its weight variables by name (weighted layers only). */
  private readonly params: (LayerParams | undefined)[] = [];
  /** Per manifest entry (= per variable): the host kernel kept in place of its variable's storage, if any. */
  private readonly hosts: (HostKernel | undefined)[] = [];
  private readonly featureSize: number;
  private readonly classes: number;
  private disposed = false;

  constructor(spec: ModelSpec, opts: ReplicaOptions = {}) {
    this.spec = validateSpec(spec);
    this.infos = layerInfos(spec);
    this.manifest = weightManifest(spec);
    const [h, w, c] = spec.inputShape;
    this.featureSize = h * w * c;
    this.classes = spec.labels.length;
    for (const info of this.infos) {
      if (info.weights.length === 0) continue;
      const kernel = info.kernel;
      const host = kernel && isHostKernel(spec, info, opts)
        ? { values: new Float32Array(kernel.size), rows: kernel.shape[0], cols: kernel.shape[1], block: opts.hostBlockFloats ?? HOST_BLOCK_FLOATS }
        : undefined;
      const p: LayerParams = {};
      for (const e of info.weights) {
        // A host kernel's variable is an empty placeholder; its values start as zeros (untouched pages) until setWeights.
        const isHost = host !== undefined && e === kernel;
        const v = fresh(isHost ? [0] : e.shape);
        this.vars.push(v);
        this.hosts.push(isHost ? host : undefined);
        p[weightName(e)] = v;
      }
      this.params[info.index] = host ? Object.assign(p, { host }) : p;
    }
  }

  setWeights(flat: Float32Array): void {
    this.check();
    if (flat.length !== this.manifest.total) {
      throw new ModelError(`weights have ${flat.length} values but model '${this.spec.name}' needs ${this.manifest.total}`);
    }
    this.manifest.entries.forEach((e, i) => {
      const host = this.hostAt(i);
      if (host) host.values = flat.subarray(e.offset, e.offset + e.size);
      else writeInto(this.vars[i], flat.subarray(e.offset, e.offset + e.size));
    });
  }

  /** The host kernel behind manifest entry i (a big dense kernel of a sharing replica), if any. */
  private hostAt(i: number): HostKernel | undefined {
    return this.hosts[i];
  }

  /** A copy of the current weights as one flat vector. */
  getWeights(out = new Float32Array(this.manifest.total)): Float32Array {
    this.check();
    this.manifest.entries.forEach((e, i) => {
      const host = this.hostAt(i);
      if (host) out.set(host.values, e.offset);
      else readInto(this.vars[i], out, e.offset);
    });
    return out;
  }

  /**
   * Gradient of the SUMMED categorical cross-entropy over the n samples (plus n
   * times the weight penalties, if any),
   * written into gradOut (manifest order), or handed to a GradientSink piece
   * by piece. x: [n, h, w, c] float32, labels: [n].
   * Non-trainable entries (moving statistics) get n × the batch statistic
   * instead (layer-type.ts WeightDef), which the optimizer step turns into the
   * moving-average update.
   */
  gradients(x: Float32Array, labels: ArrayLike<number>, n: number, opts: GradientOptions, gradOut: Float32Array | GradientSink): BatchStats {
    this.check();
    this.checkBatch(x, labels, n);
    if (gradOut instanceof Float32Array && gradOut.length !== this.manifest.total) throw new UsageError(`gradOut has ${gradOut.length} values, needs ${this.manifest.total}`);
    const put = gradOut instanceof Float32Array ? (offset: number, v: Float32Array) => gradOut.set(v, offset) : gradOut;
    if (opts.training && opts.sampleIds.length < n) throw new UsageError(`sampleIds has ${opts.sampleIds.length} entries for ${n} samples`);
    if (n === 0) {
      this.zeroPieces(put);
      return { lossSum: 0, correct: 0, count: 0 };
    }
    let correct = 0;
    let lossSum = 0;
    tf.tidy(() => {
      const xt = tf.tensor4d(x.subarray(0, n * this.featureSize), [n, ...this.spec.inputShape]);
      const yt = tf.oneHot(tf.tensor1d(Int32Array.from({ length: n }, (_, i) => labels[i]), 'int32'), this.classes);
      const mask: MaskFn | null = opts.training
        ? (layer, rate, shape, rows) => {
            const per = shape.reduce((a, b) => a * b, 1);
            // Drawn straight into backend memory: no host array per step for the GC to collect later.
            return filledTensor([rows, ...shape], (out) => fillDropoutMask(out, rows, per, rate, layer, opts));
          }
        : null;
      const pass = forward(this.spec, this.infos, this.params, xt, mask, opts.sync);
      correct = countCorrect(pass.logits, labels, n);
      // Summed CE = -sum(onehot * log_softmax(logits)); its gradient is softmax(logits) - onehot.
      const logp = tf.logSoftmax(pass.logits);
      lossSum = tf.neg(tf.sum(tf.mul(yt, logp))).dataSync()[0] + n * this.penalty();
      const dLogits = tf.sub(tf.exp(logp), yt);
      backward(pass, this.spec, this.params, dLogits, (layer, grads) => {
        // A null entry is a host kernel, already delivered in row blocks.
        this.infos[layer].weights.forEach((e, k) => {
          const g = grads[k];
          if (g) put(e.offset, values(g));
        });
      }, (layer, row0, rows) => {
        const kernel = this.infos[layer].kernel!;
        put(kernel.offset + row0 * kernel.shape[1], values(rows));
      });
    });
    return { lossSum, correct, count: n };
  }

  /** A zero gradient, in the pieces and order of backward (last layer first; host kernels in row blocks, then the bias). */
  private zeroPieces(put: GradientSink): void {
    for (const info of [...this.infos].reverse()) {
      const p = this.params[info.index];
      if (!p) continue;
      for (const e of info.weights) {
        if (p.host && weightName(e) === 'kernel') {
          const { rows, cols } = p.host;
          const per = kernelRowBlock(p.host.block, cols);
          for (let r0 = 0; r0 < rows; r0 += per) put(e.offset + r0 * cols, new Float32Array(Math.min(per, rows - r0) * cols));
        } else {
          put(e.offset, new Float32Array(e.size));
        }
      }
    }
  }

  /** Softmax probabilities [n, classes], row-major. */
  predict(x: Float32Array, n: number): Float32Array {
    this.check();
    this.checkBatch(x, null, n);
    const out = new Float32Array(n * this.classes);
    for (let s = 0; s < n; s += EVAL_CHUNK) {
      const m = Math.min(EVAL_CHUNK, n - s);
      tf.tidy(() => {
        const probs = tf.softmax(this.logits(x, s, m));
        readInto(probs, out, s * this.classes);
      });
    }
    return out;
  }

  evaluate(x: Float32Array, labels: ArrayLike<number>, n: number): EvalResult {
    this.check();
    this.checkBatch(x, labels, n);
    const predictions = new Int32Array(n);
    let lossSum = 0;
    let correct = 0;
    for (let s = 0; s < n; s += EVAL_CHUNK) {
      const m = Math.min(EVAL_CHUNK, n - s);
      tf.tidy(() => {
        const logits = this.logits(x, s, m);
        const yt = tf.oneHot(tf.tensor1d(Int32Array.from({ length: m }, (_, i) => labels[s + i]), 'int32'), this.classes);
        lossSum += tf.neg(tf.sum(tf.mul(yt, tf.logSoftmax(logits)))).dataSync()[0] + m * this.penalty();
        const am = tf.argMax(logits, 1).dataSync();
        for (let i = 0; i < m; i++) {
          predictions[s + i] = am[i];
          if (am[i] === labels[s + i]) correct++;
        }
      });
    }
    return { lossSum, correct, count: n, predictions };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.vars) v.dispose();
  }

  /**
   * Weight penalties (L2 regularizers) for ONE sample; the losses here are sums
   * over samples, so a batch of n adds n times this (and its layers' backward
   * n times its gradient): the thread split of a batch does not change the total.
   */
  private penalty(): number {
    let total = 0;
    this.spec.layers.forEach((l, i) => {
      const p = this.params[i];
      const t = p ? layerType(l).penalty?.(l, p) : null;
      if (t) {
        total += t.dataSync()[0];
        t.dispose();
      }
    });
    return total;
  }

  /** Inference logits of samples [s, s+m) (no dropout). */
  private logits(x: Float32Array, s: number, m: number): tf.Tensor2D {
    const f = this.featureSize;
    const xt = tf.tensor4d(x.subarray(s * f, (s + m) * f), [m, ...this.spec.inputShape]);
    return forwardLogits(this.spec, this.infos, this.params, xt, null);
  }

  private check(): void {
    if (this.disposed) throw new UsageError('this Replica was disposed');
  }

  private checkBatch(x: Float32Array, labels: ArrayLike<number> | null, n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`batch size n must be a non-negative integer, got ${n}`);
    const [h, w, c] = this.spec.inputShape;
    if (x.length < n * this.featureSize) throw new UsageError(`x has ${x.length} values, needs ${n} x ${h}x${w}x${c} = ${n * this.featureSize}`);
    if (labels) {
      if (labels.length < n) throw new UsageError(`labels has ${labels.length} entries for ${n} samples`);
      for (let i = 0; i < n; i++) {
        const y = labels[i];
        if (!Number.isInteger(y) || y < 0 || y >= this.classes) throw new UsageError(`labels[${i}] is ${y}; must be a class index in [0, ${this.classes})`);
      }
    }
  }
}

/** A zero-filled variable owning its storage alone (the initial tensor is released). */
function fresh(shape: number[]): tf.Variable {
  const z = tf.zeros(shape);
  const v = tf.variable(z, true);
  z.dispose();
  return v;
}

function countCorrect(logits: tf.Tensor2D, labels: ArrayLike<number>, n: number): number {
  const am = tf.argMax(logits, 1).dataSync();
  let c = 0;
  for (let i = 0; i < n; i++) if (am[i] === labels[i]) c++;
  return c;
}

/**
 * Copies src into a float32 variable in place (one memcpy on wasm/cpu). On wasm,
 * XNNPACK keeps conv/matmul weights packed per tensor id, so the cached
 * operators must be dropped after the write (markWrittenInPlace).
 */
function writeInto(v: tf.Variable, src: Float32Array): void {
  const view = storage(v);
  if (view) {
    view.set(src);
    markWrittenInPlace(v);
    return;
  }
  // Other backends (tfjs-node): a new tensor per write. slice(): some backends keep the array they are given.
  const t = tf.tensor(src.slice(), v.shape);
  v.assign(t);
  t.dispose();
}

/** A float32 tensor's values: its live storage where the backend allows (valid until the next kernel runs), else a copy. */
function values(t: tf.Tensor): Float32Array {
  return storage(t) ?? (t.dataSync() as Float32Array);
}

/** Copies a float32 tensor into out at offset with one copy (no intermediate array on wasm). */
function readInto(t: tf.Tensor, out: Float32Array, offset: number): void {
  const view = storage(t);
  out.set(view ?? (t.dataSync() as Float32Array), offset);
}
