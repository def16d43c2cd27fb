import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelError } from '@tensorpool/core';
import type { ModelSpec } from './spec.js';
import { layerInfos, weightManifest } from './manifest.js';
import { validateSpec } from './validate.js';
import { dirLoadHandler, dirSaveHandler } from './keras-io.js';
import { specFromKerasConfig } from './keras-config.js';
import { layerType } from './layers/registry.js';

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

/** A tfjs-layers Sequential equivalent to the spec, holding `weights` (for model.save / inference). */
export function toLayersModel(spec: ModelSpec, weights: Float32Array, metadata: Record<string, unknown> = {}): tfl.Sequential {
  validateSpec(spec);
  const m = weightManifest(spec);
  if (weights.length !== m.total) throw new ModelError(`weights have ${weights.length} values but model '${spec.name}' needs ${m.total}`);
  const infos = layerInfos(spec);
  const model = tfl.sequential({ name: spec.name.replace(/[^A-Za-z0-9_.\-/]/g, '_') });
  spec.layers.forEach((l, i) => model.add(layerType(l).toTfjs(l, { name: infos[i].name, ...(i === 0 ? { inputShape: [...spec.inputShape] } : {}) })));
  // Per layer: a model's own get/setWeights order all trainable weights before all non-trainable ones.
  infos.forEach((info, i) => {
    if (info.weights.length === 0) return;
    const tensors = info.weights.map((e) => tf.tensor(weights.slice(e.offset, e.offset + e.size), e.shape));
    model.layers[i].setWeights(tensors);
    tf.dispose(tensors);
  });
  model.setUserDefinedMetadata({ [META_KEY]: { ...metadata, spec } });
  return model;
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
  const inShape = model.inputs[0].shape;
  if (inShape.length !== 4) throw new ModelError(`model input must be [batch, h, w, c], got [${inShape.join(', ')}]`);
  // tfjs-layers writes its topology as Keras does (Python-style keys): one reader for both, the layer modules' fromKeras.
  const topology = model.toJSON(null, false) as Record<string, unknown>;
  const parsed = specFromKerasConfig(topology, savedSpec?.labels).spec;
  const spec = validateSpec({ ...parsed, name: savedSpec?.name ?? model.name });
  const m = weightManifest(spec);
  // Per layer (Keras's per-layer order: gamma, beta, moving_mean, moving_variance), not the model's trainable-first order.
  const tensors = model.layers.flatMap((l) => l.getWeights());
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
