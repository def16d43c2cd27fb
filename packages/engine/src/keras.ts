import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelError } from '@tensorpool/core';
import type { Activation, LayerSpec, ModelSpec, Padding } from './spec.js';
import { layerInfos, weightManifest } from './manifest.js';
import { validateSpec } from './validate.js';
import { dirLoadHandler, dirSaveHandler } from './keras-io.js';

/**
 * Spec + flat weights <-> tfjs-layers Sequential (Keras's layers format).
 * Layer names follow Keras (conv2d_1, dense_2, ...) so weight names in
 * model.json read conv2d_1/kernel, conv2d_1/bias, ... and match weightManifest.
 *
 * Saved models carry our spec in model.json's userDefinedMetadata under
 * `tensorpool` (labels, spec name, plus caller metadata such as normalization).
 */
export interface SavedModel { spec: ModelSpec; weights: Float32Array; metadata: Record<string, unknown> }

const META_KEY = 'tensorpool';

function layerFor(l: LayerSpec, name: string, inputShape: number[] | undefined): tfl.layers.Layer {
  const first = inputShape ? { inputShape } : {};
  switch (l.type) {
    case 'conv2d':
      return tfl.layers.conv2d({ ...first, name, filters: l.filters, kernelSize: l.kernelSize, strides: l.strides ?? 1, padding: l.padding ?? 'valid', activation: l.activation ?? 'linear' });
    case 'maxPooling2d':
      return tfl.layers.maxPooling2d({ ...first, name, poolSize: l.poolSize ?? 2, strides: l.strides ?? l.poolSize ?? 2, padding: l.padding ?? 'valid' });
    case 'dropout':
      return tfl.layers.dropout({ ...first, name, rate: l.rate });
    case 'flatten':
      return tfl.layers.flatten({ ...first, name });
    case 'dense':
      return tfl.layers.dense({ ...first, name, units: l.units, activation: l.activation ?? 'linear' });
    case 'activation':
      return tfl.layers.activation({ ...first, name, activation: l.activation });
  }
}

/** A tfjs-layers Sequential equivalent to the spec, holding `weights` (for model.save / inference). */
export function toLayersModel(spec: ModelSpec, weights: Float32Array, metadata: Record<string, unknown> = {}): tfl.Sequential {
  validateSpec(spec);
  const m = weightManifest(spec);
  if (weights.length !== m.total) throw new ModelError(`weights have ${weights.length} values but model '${spec.name}' needs ${m.total}`);
  const infos = layerInfos(spec);
  const model = tfl.sequential({ name: spec.name.replace(/[^A-Za-z0-9_.\-/]/g, '_') });
  spec.layers.forEach((l, i) => model.add(layerFor(l, infos[i].name, i === 0 ? [...spec.inputShape] : undefined)));
  const tensors = m.entries.map((e) => tf.tensor(weights.slice(e.offset, e.offset + e.size), e.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
  model.setUserDefinedMetadata({ [META_KEY]: { ...metadata, spec } });
  return model;
}

const ACTIVATIONS: Activation[] = ['relu', 'softmax', 'linear'];

function activationOf(cfg: Record<string, unknown>, where: string): Activation {
  const a = String(cfg.activation ?? 'linear');
  if (!ACTIVATIONS.includes(a as Activation)) throw new ModelError(`${where}: activation '${a}' is not supported (use ${ACTIVATIONS.join(', ')})`);
  return a as Activation;
}

function pairOf(v: unknown): number | [number, number] {
  const a = Array.isArray(v) ? v.map(Number) : [Number(v), Number(v)];
  return a[0] === a[1] ? a[0] : [a[0], a[1]];
}

function specLayer(layer: tfl.layers.Layer, where: string): LayerSpec | null {
  const cfg = layer.getConfig() as Record<string, unknown>;
  const cls = layer.getClassName();
  const channelsLast = () => {
    if (cfg.dataFormat && cfg.dataFormat !== 'channelsLast') throw new ModelError(`${where}: only channels-last data is supported`);
  };
  switch (cls) {
    case 'InputLayer':
      return null;
    case 'Conv2D': {
      channelsLast();
      if (cfg.useBias === false) throw new ModelError(`${where}: Conv2D without bias is not supported`);
      const d = pairOf(cfg.dilationRate ?? 1);
      if (d !== 1) throw new ModelError(`${where}: dilated Conv2D is not supported`);
      const strides = pairOf(cfg.strides ?? 1);
      const act = activationOf(cfg, where);
      // Defaults are left out so a spec round-trips to the same JSON.
      return {
        type: 'conv2d', filters: Number(cfg.filters), kernelSize: pairOf(cfg.kernelSize),
        ...(strides !== 1 ? { strides } : {}), ...(cfg.padding === 'same' ? { padding: 'same' as Padding } : {}), ...(act !== 'linear' ? { activation: act } : {}),
      };
    }
    case 'MaxPooling2D':
      channelsLast();
    {
      const poolSize = pairOf(cfg.poolSize);
      const strides = pairOf(cfg.strides ?? cfg.poolSize);
      return {
        type: 'maxPooling2d', poolSize,
        ...(String(strides) !== String(poolSize) ? { strides } : {}), ...(cfg.padding === 'same' ? { padding: 'same' as Padding } : {}),
      };
    }
    case 'Dropout':
      return { type: 'dropout', rate: Number(cfg.rate) };
    case 'Flatten':
      return { type: 'flatten' };
    case 'Dense':
      if (cfg.useBias === false) throw new ModelError(`${where}: Dense without bias is not supported`);
    {
      const act = activationOf(cfg, where);
      return { type: 'dense', units: Number(cfg.units), ...(act !== 'linear' ? { activation: act } : {}) };
    }
    case 'Activation':
      return { type: 'activation', activation: activationOf(cfg, where) };
    default:
      throw new ModelError(`${where}: layer type ${cls} is not supported (supported: Conv2D, MaxPooling2D, Dropout, Flatten, Dense, Activation)`);
  }
}

/**
 * Spec, flat weights and metadata of a layers model (ours, or a Keras model
 * converted with tensorflowjs_converter). Labels and name come from our
 * metadata when present, else class_0..class_{k-1} and the model's name.
 */
export function fromLayersModel(model: tfl.LayersModel): SavedModel {
  const userMeta = (model.getUserDefinedMetadata() ?? {}) as Record<string, unknown>;
  const ours = (userMeta[META_KEY] ?? {}) as { spec?: Partial<ModelSpec> } & Record<string, unknown>;
  const { spec: savedSpec, ...metadata } = ours;
  const layers: LayerSpec[] = [];
  model.layers.forEach((layer, i) => {
    const l = specLayer(layer, `layer ${i} (${layer.name})`);
    if (l) layers.push(l);
  });
  const inShape = model.inputs[0].shape;
  if (inShape.length !== 4) throw new ModelError(`model input must be [batch, h, w, c], got [${inShape.join(', ')}]`);
  const outUnits = Number(model.outputs[0].shape[model.outputs[0].shape.length - 1]);
  const labels = savedSpec?.labels && savedSpec.labels.length === outUnits ? savedSpec.labels : Array.from({ length: outUnits }, (_, k) => `class_${k}`);
  const spec = validateSpec({ name: savedSpec?.name ?? model.name, inputShape: inShape.slice(1) as number[], labels, layers });
  const m = weightManifest(spec);
  const tensors = model.getWeights();
  if (tensors.length !== m.entries.length) throw new ModelError(`model has ${tensors.length} weight tensors, spec expects ${m.entries.length}`);
  const weights = new Float32Array(m.total);
  m.entries.forEach((e, i) => {
    const t = tensors[i];
    if (t.shape.join() !== e.shape.join()) throw new ModelError(`weight ${e.name} has shape [${t.shape.join(', ')}], expected [${e.shape.join(', ')}]`);
    weights.set(t.dataSync() as Float32Array, e.offset);
  });
  return { spec, weights, metadata };
}

/** Writes dir/model.json + dir/weights.bin (TensorFlow.js layers format). */
export async function saveModelDir(dir: string, spec: ModelSpec, weights: Float32Array, metadata: Record<string, unknown> = {}): Promise<void> {
  const model = toLayersModel(spec, weights, metadata);
  try {
    await model.save(dirSaveHandler(dir));
  } finally {
    model.dispose();
  }
}

/** Loads a layers-format directory (ours or converted from Keras) as spec + flat weights + metadata. */
export async function loadModelDir(dir: string): Promise<SavedModel> {
  const model = await tfl.loadLayersModel(dirLoadHandler(dir));
  try {
    return fromLayersModel(model);
  } finally {
    model.dispose();
  }
}
