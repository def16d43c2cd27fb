import type { ModelSpec } from './spec.js';
import { layerType } from './layers/registry.js';
import { size } from './layers/layer-type.js';

/**
 * Layer output shapes, Keras layer names and the flat weight layout.
 *
 * The flat vector is the one currency between threads, workers, checkpoints
 * and saved models: per weighted layer, its weights in Keras's order (kernel
 * then bias; gamma, beta, moving_mean, moving_variance), in layer order
 * (Keras's per-layer `get_weights()` order). Conv kernel [kh, kw, in, out],
 * dense kernel [in, out], biases [out]. Non-trainable entries (moving
 * statistics) travel with the weights everywhere.
 */
export interface WeightEntry {
  name: string;
  shape: number[];
  offset: number;
  size: number;
  /** Moving statistics (non-trainable): the optimizer step's moving-average momentum (layer-type.ts WeightDef). */
  movingMomentum?: number;
}
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
  /** This layer's weight entries in order (empty for layers without weights). */
  weights: WeightEntry[];
  /** The entries named kernel and bias (conv/dense), for their L2 penalty and tests. */
  kernel?: WeightEntry;
  bias?: WeightEntry;
  params: number;
}

export { pair } from './layers/window.js';

/** Output shapes, names and weight offsets of every layer; throws ModelError naming the layer that does not fit. */
export function layerInfos(spec: ModelSpec): LayerInfo[] {
  let shape: number[] = [...spec.inputShape];
  let offset = 0;
  const counts = new Map<string, number>();
  return spec.layers.map((l, index) => {
    const t = layerType(l);
    const k = (counts.get(t.kerasName) ?? 0) + 1;
    counts.set(t.kerasName, k);
    const name = `${t.kerasName}_${k}`;
    const outputShape = t.outputShape(l, shape, `layers[${index}] (${l.type})`);
    const info: LayerInfo = { index, name, className: t.className, outputShape, weights: [], params: 0 };
    for (const d of t.weights?.(l, shape) ?? []) {
      const e: WeightEntry = { name: `${name}/${d.name}`, shape: d.shape, offset, size: size(d.shape), ...(d.movingMomentum !== undefined ? { movingMomentum: d.movingMomentum } : {}) };
      info.weights.push(e);
      if (d.name === 'kernel') info.kernel = e;
      if (d.name === 'bias') info.bias = e;
      offset += e.size;
      info.params += e.size;
    }
    shape = outputShape;
    return info;
  });
}

/** Output shape (without batch) of every layer. */
export function inferShapes(spec: ModelSpec): number[][] {
  return layerInfos(spec).map((i) => i.outputShape);
}

export function weightManifest(spec: ModelSpec): WeightManifest {
  const entries: WeightEntry[] = [];
  for (const info of layerInfos(spec)) entries.push(...info.weights);
  const last = entries[entries.length - 1];
  return { entries, total: last ? last.offset + last.size : 0 };
}

/** The Keras weight name of an entry: kernel, bias, gamma, beta, moving_mean, moving_variance (layer names hold no '/'). */
export function weightName(e: WeightEntry): string {
  return e.name.slice(e.name.lastIndexOf('/') + 1);
}

/** The non-trainable entries (moving statistics) of a manifest. */
export function movingEntries(m: WeightManifest): WeightEntry[] {
  return m.entries.filter((e) => e.movingMomentum !== undefined);
}
