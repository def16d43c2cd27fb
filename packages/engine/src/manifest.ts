import { ModelError } from '@tensorpool/core';
import type { LayerSpec, ModelSpec } from './spec.js';

/**
 * Layer output shapes, Keras layer names and the flat weight layout.
 *
 * The flat vector is the one currency between threads, workers, checkpoints
 * and saved models: per weighted layer, kernel then bias, in layer order
 * (Keras's `model.get_weights()` order). Conv kernel [kh, kw, in, out], dense
 * kernel [in, out], biases [out].
 */
export interface WeightEntry { name: string; shape: number[]; offset: number; size: number }
export interface WeightManifest { entries: WeightEntry[]; total: number }

/** Per-layer facts shared by the forward pass, summary and Keras export. */
export interface LayerInfo {
  index: number;
  /** Keras-style unique name, 1-based per type: conv2d_1, max_pooling2d_1, dense_2 ... */
  name: string;
  /** Keras class name: Conv2D, MaxPooling2D, Dropout, Flatten, Dense, Activation. */
  className: string;
  /** Output shape without the batch dimension. */
  outputShape: number[];
  /** Offsets into the flat vector of this layer's kernel and bias (weighted layers only). */
  kernel?: WeightEntry;
  bias?: WeightEntry;
  params: number;
}

const CLASS: Record<LayerSpec['type'], [string, string]> = {
  conv2d: ['Conv2D', 'conv2d'],
  maxPooling2d: ['MaxPooling2D', 'max_pooling2d'],
  dropout: ['Dropout', 'dropout'],
  flatten: ['Flatten', 'flatten'],
  dense: ['Dense', 'dense'],
  activation: ['Activation', 'activation'],
};

export function pair(v: number | [number, number] | undefined, dflt: [number, number]): [number, number] {
  if (v === undefined) return dflt;
  return typeof v === 'number' ? [v, v] : v;
}

/** Keras/TF output length of a conv or pooling window along one axis. */
function outLen(len: number, k: number, s: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(len / s) : Math.floor((len - k) / s) + 1;
}

/** Output shapes, names and weight offsets of every layer; throws ModelError naming the layer that does not fit. */
export function layerInfos(spec: ModelSpec): LayerInfo[] {
  let shape: number[] = [...spec.inputShape];
  let offset = 0;
  const counts = new Map<string, number>();
  const infos: LayerInfo[] = [];
  spec.layers.forEach((l, index) => {
    const [className, base] = CLASS[l.type];
    const k = (counts.get(base) ?? 0) + 1;
    counts.set(base, k);
    const name = `${base}_${k}`;
    const where = `layers[${index}] (${l.type})`;
    const info: LayerInfo = { index, name, className, outputShape: shape, params: 0 };
    const weights = (kshape: number[], out: number) => {
      const ksize = kshape.reduce((a, b) => a * b, 1);
      info.kernel = { name: `${name}/kernel`, shape: kshape, offset, size: ksize };
      offset += ksize;
      info.bias = { name: `${name}/bias`, shape: [out], offset, size: out };
      offset += out;
      info.params = ksize + out;
    };
    switch (l.type) {
      case 'conv2d':
      case 'maxPooling2d': {
        if (shape.length !== 3) throw new ModelError(`invalid model spec: ${where} needs a [h, w, c] input but gets [${shape.join(', ')}]`);
        const [h, w, c] = shape;
        const win = l.type === 'conv2d' ? pair(l.kernelSize, [1, 1]) : pair(l.poolSize, [2, 2]);
        const st = l.type === 'conv2d' ? pair(l.strides, [1, 1]) : pair(l.strides, win);
        const pad = l.padding ?? 'valid';
        const oh = outLen(h, win[0], st[0], pad);
        const ow = outLen(w, win[1], st[1], pad);
        if (oh < 1 || ow < 1) throw new ModelError(`invalid model spec: ${where} leaves no output: input ${h}x${w} is smaller than its ${win[0]}x${win[1]} window; use padding 'same' or a larger inputShape`);
        const oc = l.type === 'conv2d' ? l.filters : c;
        if (l.type === 'conv2d') weights([win[0], win[1], c, l.filters], l.filters);
        shape = [oh, ow, oc];
        break;
      }
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'dense':
        if (shape.length !== 1) throw new ModelError(`invalid model spec: ${where} needs a flat input but gets [${shape.join(', ')}]; add a flatten layer before it`);
        weights([shape[0], l.units], l.units);
        shape = [l.units];
        break;
      case 'dropout':
      case 'activation':
        break;
    }
    info.outputShape = shape;
    infos.push(info);
  });
  return infos;
}

/** Output shape (without batch) of every layer. */
export function inferShapes(spec: ModelSpec): number[][] {
  return layerInfos(spec).map((i) => i.outputShape);
}

export function weightManifest(spec: ModelSpec): WeightManifest {
  const entries: WeightEntry[] = [];
  for (const info of layerInfos(spec)) {
    if (info.kernel && info.bias) entries.push(info.kernel, info.bias);
  }
  const last = entries[entries.length - 1];
  return { entries, total: last ? last.offset + last.size : 0 };
}
