import { mkdtemp, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { DataError, ModelError, tempSibling } from '@tensorpool/core';
import type { ModelSpec } from './spec.js';
import { layerInfos, weightManifest } from './manifest.js';
import { layerTypeOfClass } from './layers/registry.js';
import { validateSpec } from './validate.js';
import { keras3Config } from './keras-config.js';
import { makeGroups, openForRead, h5Reason, type H5Group } from './h5.js';
import { readWeight, specAndMeta, writeH5Atomic, writeWeights, type ModelLoadLimits } from './keras-h5.js';
import type { SavedModel } from './keras.js';

/**
 * Keras 3 `.keras` archive (a zip, entries stored uncompressed as Keras writes them):
 *   metadata.json     {keras_version, date_saved, tensorpool_metadata: {...metadata, spec}}
 *   config.json       keras3Config(spec)
 *   model.weights.h5  /vars (the model's own, empty), /layers/<snake_case_class>[_k]/vars/0 (kernel), /1 (bias) (BatchNormalization: 0..3 gamma, beta, moving_mean, moving_variance)
 *                     one group per layer of model.layers (InputLayer excluded), k counting per class from _1.
 */
export const KERAS3_VERSION = '3.6.0';
const MAX_ENTRY_BYTES = 4 * 1024 ** 3;
/** Room for config.json, metadata.json and HDF5 headers beyond the float32 weights. */
const ENTRY_SLACK_BYTES = 16 * 1024 ** 2;

/** Keras 3's per-container path of each layer: conv2d, conv2d_1, conv2d_2, dense, ... */
function layerPaths(classNames: string[]): string[] {
  const used = new Map<string, number>();
  return classNames.map((c) => {
    // Keras 3's snake_case of the class (batch_normalization, global_average_pooling2d) is the module's kerasName.
    const base = layerTypeOfClass(c)?.kerasName ?? c.toLowerCase();
    const k = used.get(base);
    used.set(base, k === undefined ? 0 : k + 1);
    return k === undefined ? `layers/${base}` : `layers/${base}_${k + 1}`;
  });
}

async function withTmpDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tensorpool-keras3-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function saveKeras3(file: string, spec: ModelSpec, weights: Float32Array, metadata: Record<string, unknown> = {}): Promise<void> {
  validateSpec(spec);
  const total = weightManifest(spec).total;
  if (weights.length !== total) throw new ModelError(`weights have ${weights.length} values but model '${spec.name}' needs ${total}`);
  const infos = layerInfos(spec);
  const paths = layerPaths(infos.map((i) => i.className));
  const h5bytes = await withTmpDir(async (dir) => {
    const h5file = join(dir, 'model.weights.h5');
    await writeH5Atomic(h5file, (f) => {
      makeGroups(f, 'vars');
      infos.forEach((info, i) => {
        const vars = makeGroups(f, `${paths[i]}/vars`);
        writeWeights(vars, weights, info.weights.map((e, k) => ({ entry: e, name: String(k) })));
      });
    });
    return new Uint8Array(await readFile(h5file));
  });
  const meta = { keras_version: KERAS3_VERSION, date_saved: new Date().toISOString().replace('T', '@').slice(0, 19), tensorpool_metadata: { ...metadata, spec } };
  const zip = zipSync({
    'metadata.json': strToU8(JSON.stringify(meta)),
    'config.json': strToU8(JSON.stringify(keras3Config(spec))),
    'model.weights.h5': h5bytes,
  }, { level: 0 });
  const tmp = tempSibling(file);
  try {
    await writeFile(tmp, zip);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new DataError(`cannot write ${file}: ${(e as Error).message}`, { cause: e });
  }
}

function entries(file: string, zip: Uint8Array, maxEntry = MAX_ENTRY_BYTES): Record<string, Uint8Array> {
  try {
    return unzipSync(zip, {
      filter: (f) => {
        if (f.originalSize > maxEntry) throw new DataError(`${file}: entry ${f.name} is larger than ${maxEntry} bytes`);
        return ['metadata.json', 'config.json', 'model.weights.h5'].includes(f.name);
      },
    });
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`${file} is not a .keras archive (zip): ${(e as Error).message}`, { cause: e });
  }
}

function json(file: string, files: Record<string, Uint8Array>, name: string): unknown {
  if (!files[name]) throw new DataError(`${file} has no ${name}: not a Keras 3 .keras archive`);
  try {
    return JSON.parse(strFromU8(files[name]));
  } catch (e) {
    throw new DataError(`${file}: ${name} is not valid JSON`, { cause: e });
  }
}

/** Reads a Keras 3 .keras archive (ours or Keras's) as spec + flat weights + metadata. */
export async function loadKeras3(file: string, lim: ModelLoadLimits = {}): Promise<SavedModel> {
  // With a parameter bound, no entry may be much larger than the float32 weights it allows (a zip bomb is refused unread).
  const files = entries(file, new Uint8Array(await readFile(file)), lim.maxParams === undefined ? MAX_ENTRY_BYTES : lim.maxParams * 4 + ENTRY_SLACK_BYTES);
  const config = json(file, files, 'config.json');
  const meta = (json(file, files, 'metadata.json') ?? {}) as Record<string, unknown>;
  const { spec, refs, metadata } = specAndMeta(config, meta.tensorpool_metadata, lim);
  if (!files['model.weights.h5']) throw new DataError(`${file} has no model.weights.h5`);
  const infos = layerInfos(spec);
  const paths = layerPaths(refs.map((r) => r.className));
  return withTmpDir(async (dir) => {
    const h5file = join(dir, 'model.weights.h5');
    await writeFile(h5file, files['model.weights.h5']);
    const f = await openForRead(h5file);
    try {
      const weights = new Float32Array(weightManifest(spec).total);
      infos.forEach((info, i) => {
        if (info.weights.length === 0) return;
        const vars = f.get(`${paths[i]}/vars`) as H5Group | null;
        if (!vars) throw new ModelError(`${file}: model.weights.h5 has no ${paths[i]}/vars for ${refs[i].className} at index ${i}`);
        info.weights.forEach((e, k) => weights.set(readWeight(vars, String(k), e.shape, `${paths[i]}/vars/${k}`), e.offset));
      });
      return { spec, weights, metadata };
    } catch (e) {
      if (e instanceof DataError || e instanceof ModelError) throw e;
      throw new DataError(`${file}: cannot read model.weights.h5: ${h5Reason(e)}`, { cause: e });
    } finally {
      try { f.close(); } catch { /* broken file */ }
    }
  });
}
