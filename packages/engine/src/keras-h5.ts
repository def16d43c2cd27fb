import { rename, rm } from 'node:fs/promises';
import { DataError, ModelError, tempSibling } from '@tensorpool/core';
import type { ModelSpec } from './spec.js';
import { layerInfos, weightManifest, weightName, type WeightEntry } from './manifest.js';
import { validateSpec } from './validate.js';
import { kerasModelConfig, kerasTrainingConfig, specFromKerasConfig } from './keras-config.js';
import { asciiJSON, getStringAttr, getStringListAttr, h5Reason, h5wasm, makeGroups, openForRead, setStringAttr, setStringListAttr, type H5Dataset, type H5File, type H5Group } from './h5.js';
import type { SavedModel } from './keras.js';
import { readAdamState, writeAdamState, type KerasAdamState } from './keras-h5-optimizer.js';

/**
 * Keras 2 / tf-keras HDF5 model file, as `save_model_to_hdf5` lays it out:
 *   /                      attrs keras_version, backend, model_config (JSON), training_config (JSON),
 *                          tensorpool_metadata (JSON: {...metadata, spec}), all fixed-length byte strings
 *   /model_weights         attrs layer_names [n], backend, keras_version
 *   /model_weights/<layer> attr weight_names ['<layer>/kernel:0', '<layer>/bias:0'] (or [] for layers without weights)
 *   /model_weights/<layer>/<layer>/kernel:0   float32 [kh, kw, in, out] (conv) | [in, out] (dense)
 *   /model_weights/<layer>/<layer>/bias:0     float32 [out]
 */
export const KERAS_VERSION = '2.15.0';
export const META_ATTR = 'tensorpool_metadata';

/** Float32 datasets of `entries` under group `g` (name -> dataset name). */
export function writeWeights(g: H5Group, weights: Float32Array, entries: { entry: WeightEntry; name: string }[]): void {
  for (const { entry, name } of entries) {
    g.create_dataset({ name, data: weights.slice(entry.offset, entry.offset + entry.size), shape: entry.shape, dtype: '<f' });
  }
}

/** Writes to a temporary sibling (tempSibling) through `fill`, then renames over `file`; nothing is left behind on failure. */
export async function writeH5Atomic(file: string, fill: (f: H5File) => void): Promise<void> {
  const h5 = await h5wasm();
  const tmp = tempSibling(file);
  let f: H5File | undefined;
  try {
    f = new h5.File(tmp, 'w');
    fill(f);
    f.close();
    f = undefined;
    await rename(tmp, file);
  } catch (e) {
    try { f?.close(); } catch { /* already failing */ }
    await rm(tmp, { force: true });
    throw e instanceof DataError || e instanceof ModelError ? e : new DataError(`cannot write ${file}: ${h5Reason(e)}`, { cause: e });
  }
}

/** `adam`: the optimizer state to write as `optimizer_weights` (keras-h5-optimizer.ts), when training has one. */
export async function saveKerasH5(file: string, spec: ModelSpec, weights: Float32Array, metadata: Record<string, unknown> = {}, adam?: KerasAdamState): Promise<void> {
  validateSpec(spec);
  const total = weightManifest(spec).total;
  if (weights.length !== total) throw new ModelError(`weights have ${weights.length} values but model '${spec.name}' needs ${total}`);
  const infos = layerInfos(spec);
  await writeH5Atomic(file, (f) => {
    setStringAttr(f, 'keras_version', KERAS_VERSION);
    setStringAttr(f, 'backend', 'tensorflow');
    setStringAttr(f, 'model_config', asciiJSON(kerasModelConfig(spec)));
    setStringAttr(f, 'training_config', asciiJSON(kerasTrainingConfig()));
    setStringAttr(f, META_ATTR, asciiJSON({ ...metadata, spec }));
    const mw = makeGroups(f, 'model_weights');
    setStringListAttr(mw, 'layer_names', infos.map((i) => i.name));
    setStringAttr(mw, 'backend', 'tensorflow');
    setStringAttr(mw, 'keras_version', KERAS_VERSION);
    // Keras creates the groups sorted by layer name (so no name is a prefix of a later one).
    for (const info of [...infos].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const g = makeGroups(mw, info.name);
      // weight_names: '<layer>/kernel:0', '<layer>/bias:0' (BatchNormalization: gamma, beta, moving_mean, moving_variance).
      setStringListAttr(g, 'weight_names', info.weights.map((e) => `${e.name}:0`));
      if (info.weights.length === 0) continue;
      writeWeights(makeGroups(g, info.name), weights, info.weights.map((e) => ({ entry: e, name: `${weightName(e)}:0` })));
    }
    if (adam) writeAdamState(f, spec, adam);
  });
}

/** A float dataset as float32, checked against the shape our spec expects. */
export function readWeight(g: H5Group, path: string, expected: number[], label: string): Float32Array {
  const d = g.get(path) as H5Dataset | null;
  if (!d || d.type !== 'Dataset') throw new ModelError(`weight ${label} is missing`);
  const shape = d.shape ?? [];
  if (shape.join() !== expected.join()) throw new ModelError(`weight ${label} has shape [${shape.join(', ')}], expected [${expected.join(', ')}]`);
  if (d.dtype !== '<f' && d.dtype !== '<d') throw new ModelError(`weight ${label} has dtype ${String(d.dtype)}, expected float32`);
  let v: unknown;
  try {
    v = d.value;
  } catch (e) {
    throw new DataError(`cannot read weight ${label}: ${h5Reason(e)}`, { cause: e });
  }
  return v instanceof Float32Array ? v : Float32Array.from(v as Float64Array);
}

function parseJSONAttr(f: H5Group, name: string, file: string): unknown {
  const s = getStringAttr(f, name);
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s);
  } catch (e) {
    throw new DataError(`${file}: attribute ${name} is not valid JSON`, { cause: e });
  }
}

/** Bounds on what a model file may ask a reader to allocate (untrusted files: the job service's `initFrom`). */
export interface ModelLoadLimits {
  /** Most parameters the file's model may have; checked from its config before any weight is read. */
  maxParams?: number;
}

/** Our spec and metadata from a Keras model config plus tensorpool_metadata (when present). */
export function specAndMeta(config: unknown, meta: unknown, lim: ModelLoadLimits = {}): { spec: ModelSpec; refs: ReturnType<typeof specFromKerasConfig>['layers']; metadata: Record<string, unknown> } {
  const { spec: saved, ...metadata } = (meta && typeof meta === 'object' ? meta : {}) as { spec?: Partial<ModelSpec> } & Record<string, unknown>;
  const { spec, layers } = specFromKerasConfig(config, saved?.labels);
  const total = weightManifest(spec).total;
  if (lim.maxParams !== undefined && total > lim.maxParams) throw new ModelError(`model has ${total} parameters, more than the ${lim.maxParams} allowed`);
  return { spec: saved?.name ? { ...spec, name: saved.name } : spec, refs: layers, metadata };
}

/** A model read from a Keras .h5: with the file's Adam state when it has one (optimizer_weights). */
export type KerasH5Model = SavedModel & { adam?: KerasAdamState };

function readAll(f: H5File, file: string, lim: ModelLoadLimits): KerasH5Model {
  const config = parseJSONAttr(f, 'model_config', file);
  if (config === undefined) throw new DataError(`${file} has no model_config attribute: not a Keras model file (a weights-only .h5 cannot be imported)`);
  const { spec, metadata } = specAndMeta(config, parseJSONAttr(f, META_ATTR, file), lim);
  const mw = (f.get('model_weights') as H5Group | null) ?? f;
  // As Keras's load_weights_from_hdf5_group: the layers that have weights, in layer_names order, match ours by position.
  const stored = getStringListAttr(mw, 'layer_names').filter((n) => {
    const g = mw.get(n) as H5Group | null;
    return g !== null && getStringListAttr(g, 'weight_names').length > 0;
  });
  const ours = layerInfos(spec).filter((i) => i.weights.length > 0);
  if (stored.length !== ours.length) throw new ModelError(`${file} has weights for ${stored.length} layers but its model_config has ${ours.length} layers with weights`);
  const weights = new Float32Array(weightManifest(spec).total);
  ours.forEach((info, k) => {
    const g = mw.get(stored[k]) as H5Group;
    const names = getStringListAttr(g, 'weight_names');
    const want = info.weights.map((e) => weightName(e));
    if (names.length !== want.length) throw new ModelError(`layer ${stored[k]} has ${names.length} weights, expected ${want.length} (${want.join(', ')})`);
    info.weights.forEach((e, j) => weights.set(readWeight(g, names[j], e.shape, `${stored[k]}/${names[j]}`), e.offset));
  });
  const adam = readAdamState(f, spec);
  return { spec, weights, metadata, ...(adam ? { adam } : {}) };
}

/** Reads a Keras 2 / tf-keras .h5 model (ours or Keras's) as spec + flat weights + metadata. */
export async function loadKerasH5(file: string, lim: ModelLoadLimits = {}): Promise<KerasH5Model> {
  const f = await openForRead(file);
  try {
    return readAll(f, file, lim);
  } catch (e) {
    if (e instanceof DataError || e instanceof ModelError) throw e;
    throw new DataError(`${file}: cannot read HDF5: ${h5Reason(e)}`, { cause: e });
  } finally {
    try { f.close(); } catch { /* a broken file may not close cleanly */ }
  }
}
