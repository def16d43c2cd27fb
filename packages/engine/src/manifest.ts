import type { ModelSpec } from './spec.js';
import { layerType } from './layers/registry.js';
import { size } from './layers/layer-type.js';

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
    const info: LayerInfo = { index, name, className: t.className, outputShape, params: 0 };
    const w = t.weights?.(l, shape);
    if (w) {
      const ksize = size(w.kernel);
      const bsize = size(w.bias);
      info.kernel = { name: `${name}/kernel`, shape: w.kernel, offset, size: ksize };
      info.bias = { name: `${name}/bias`, shape: w.bias, offset: offset + ksize, size: bsize };
      offset += ksize + bsize;
      info.params = ksize + bsize;
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
  for (const info of layerInfos(spec)) {
    if (info.kernel && info.bias) entries.push(info.kernel, info.bias);
  }
  const last = entries[entries.length - 1];
  return { entries, total: last ? last.offset + last.size : 0 };
}
