import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { DataError, UsageError } from '@tensorpool/core';
import { loadModelDir, saveModelDir } from './keras.js';
import { loadKerasH5, saveKerasH5, type KerasH5Model, type ModelLoadLimits } from './keras-h5.js';
import { loadKeras3, saveKeras3 } from './keras-v3.js';

/**
 * The three model formats, converting into each other through spec + flat weights:
 *   tfjs   a directory with model.json + weights.bin (TensorFlow.js layers format)
 *   h5     a Keras 2 / tf-keras HDF5 file (.h5, .hdf5)
 *   keras  a Keras 3 archive (.keras)
 */
export const MODEL_FORMATS = ['h5', 'keras', 'tfjs'] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

/** The format a path holds: by extension for files, tfjs for directories. */
export function modelFormatOf(path: string): ModelFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.h5' || ext === '.hdf5') return 'h5';
  if (ext === '.keras') return 'keras';
  return 'tfjs';
}

export function parseModelFormat(s: string): ModelFormat {
  if (!(MODEL_FORMATS as readonly string[]).includes(s)) throw new UsageError(`--format must be one of ${MODEL_FORMATS.join(', ')}, got '${s}'`);
  return s as ModelFormat;
}

/**
 * Loads a model directory, .h5 or .keras file as spec + flat weights + metadata (+ Adam state from a .h5's
 * optimizer_weights); `lim`: bounds for untrusted .h5/.keras files.
 */
export async function loadModel(path: string, lim: ModelLoadLimits = {}): Promise<KerasH5Model> {
  const st = await stat(path).catch(() => null);
  if (!st) throw new DataError(`model ${path} not found`);
  const format = st.isDirectory() ? 'tfjs' : modelFormatOf(path);
  if (format === 'tfjs' && !st.isDirectory()) throw new DataError(`${path} is a file but not .h5/.hdf5/.keras: give a model directory, a Keras .h5 or a .keras file`);
  if (format === 'h5') return loadKerasH5(path, lim);
  if (format === 'keras') return loadKeras3(path, lim);
  return loadModelDir(path);
}

/** Writes `m` at `path` in `format` (a directory for tfjs, one file otherwise); Adam's state goes only into .h5. */
export async function saveModel(path: string, format: ModelFormat, m: KerasH5Model): Promise<void> {
  if (format === 'h5') return saveKerasH5(path, m.spec, m.weights, m.metadata, m.adam);
  if (format === 'keras') return saveKeras3(path, m.spec, m.weights, m.metadata);
  return saveModelDir(path, m.spec, m.weights, m.metadata);
}
