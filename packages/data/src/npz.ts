/**
 * NumPy files from Keras users. A .npz (zip of .npy) holding X_train, X_test,
 * y_train, y_test (x/X and y/Y in any case) is a dataset. The zip is read once,
 * as a stream (fflate's Unzip, stored or deflated entries, zip64), and each
 * array is converted to uint8 as it arrives: memory holds the uint8 result,
 * not the file nor a float copy (see npy-convert.ts).
 * A single .npy cannot be one: the seed's np.save((X_train, x_test, Y_train, y_test))
 * is a pickled object array, refused with how to re-save it.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Unzip, UnzipInflate } from 'fflate';
import { DataError } from '@tensorpool/core';
import { parseNpyHeader, PickledArrayError } from './npy.js';
import type { ConvertedImages } from './npy-convert.js';
import { NpyStreamParser } from './npy-stream.js';
import type { DatasetSplits, ImageSet, NumpyOptions } from './types.js';

const RESAVE = "re-save with np.savez('data.npz', X_train=X_train, X_test=x_test, y_train=Y_train, y_test=y_test)";

const ROLES = {
  X_train: 'images',
  X_test: 'images',
  y_train: 'labels',
  y_test: 'labels',
} as const;
type Key = keyof typeof ROLES;

/** 'x_train.npy' / 'X_train.npy' -> 'X_train', 'Y_test.npy' -> 'y_test', others -> null. */
function keyOf(entry: string): Key | null {
  const m = /^([xXyY])_(train|test)\.npy$/.exec(entry);
  if (!m) return null;
  return `${m[1].toLowerCase() === 'x' ? 'X' : 'y'}_${m[2]}` as Key;
}

/** Streams the zip once, parsing the four arrays; returns them and every entry name seen. */
async function readArrays(file: string, maxBytes?: number): Promise<{ parsers: Partial<Record<Key, NpyStreamParser>>; names: string[] }> {
  const budget = maxBytes === undefined ? undefined : { left: maxBytes, max: maxBytes };
  const parsers: Partial<Record<Key, NpyStreamParser>> = {};
  const names: string[] = [];
  let failure: unknown = null;
  const fail = (e: unknown): void => {
    failure ??= e instanceof PickledArrayError ? new DataError(`${e.message}; ${RESAVE}`) : e;
  };

  const unzip = new Unzip((f) => {
    names.push(f.name);
    const key = keyOf(f.name);
    const parser = key && !parsers[key] ? new NpyStreamParser(`${file}:${f.name}`, ROLES[key], budget) : null;
    if (key && parser) parsers[key] = parser;
    f.ondata = (err, data, final) => {
      if (failure) return;
      try {
        if (err) throw new DataError(`${file}: cannot unzip ${f.name} (${err.message}); the file is corrupt or truncated`, { cause: err });
        if (!parser) return;
        parser.push(data);
        if (final) parser.end();
      } catch (e) {
        fail(e);
      }
    };
    // Every entry is started, so none buffers its bytes waiting for us.
    f.start();
  });
  unzip.register(UnzipInflate);

  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      unzip.push(chunk);
      if (failure) break;
    }
    if (!failure) unzip.push(new Uint8Array(0), true);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (e instanceof DataError) fail(e);
    else if (typeof code === 'string') fail(new DataError(`cannot read ${file}: ${code}`, { cause: e }));
    else fail(truncation(file, names, parsers) ?? new DataError(`${file} is not a valid .npz (zip) file: ${(e as Error).message}`, { cause: e }));
  } finally {
    stream.destroy();
  }
  if (failure) throw failure;
  if (names.length === 0) throw new DataError(`${file} is not a .npz file (no zip entries found)`);
  return { parsers, names };
}

/** fflate ends a cut-off archive with 'invalid zip data': name the entry that was cut, if any. */
function truncation(file: string, names: string[], parsers: Partial<Record<Key, NpyStreamParser>>): DataError | null {
  const last = names[names.length - 1];
  if (last === undefined) return null;
  const key = keyOf(last);
  const parser = key ? parsers[key] : undefined;
  if (parser && !parser.result) {
    try {
      parser.end();
    } catch (e) {
      return e as DataError;
    }
  }
  return new DataError(`${file} is truncated (cut inside ${last}); the file is corrupt, save it again`);
}

export async function loadNpz(file: string, opts: NumpyOptions = {}): Promise<DatasetSplits> {
  const { parsers, names } = await readArrays(file, opts.maxBytes);
  const get = (key: Key) => {
    const p = parsers[key];
    if (!p) throw new DataError(`${file} has no ${key} array (found: ${names.map((n) => n.replace(/\.npy$/, '')).join(', ')}); ${RESAVE}`);
    // An entry cut off by a truncated file never saw its final chunk.
    return p.result ?? p.end();
  };
  const images = (key: 'X_train' | 'X_test'): ConvertedImages => {
    const r = get(key);
    if (r.role !== 'images') throw new DataError(`internal: ${key} parsed as ${r.role}`);
    return r.value;
  };
  const labels = (key: 'y_train' | 'y_test', n: number, xName: string) => {
    const r = get(key);
    if (r.role !== 'labels') throw new DataError(`internal: ${key} parsed as ${r.role}`);
    if (r.value.labels.length !== n) throw new DataError(`${file}: ${key} has ${r.value.labels.length} labels but ${xName} has ${n} images`);
    return r.value;
  };
  const xTrain = images('X_train');
  const xTest = images('X_test');
  const yTrain = labels('y_train', xTrain.n, 'X_train');
  const yTest = labels('y_test', xTest.n, 'X_test');
  if (xTrain.shape.join() !== xTest.shape.join()) throw new DataError(`${file}: train images are [${xTrain.shape}] but test images are [${xTest.shape}]`);

  const numClasses = Math.max(yTrain.numClasses, yTest.numClasses);
  let classes = opts.classes;
  if (classes) {
    if (classes.length < numClasses) throw new DataError(`${file} has labels up to ${numClasses - 1} but only ${classes.length} class names were given`);
  } else {
    classes = Array.from({ length: numClasses }, (_, i) => String(i));
  }
  const set = (x: ConvertedImages, y: { labels: Uint8Array }): ImageSet => ({ images: x.images, labels: y.labels, n: x.n, shape: x.shape, classes: classes! });
  return { source: `npz ${file}`, train: set(xTrain, yTrain), test: set(xTest, yTest) };
}

/** A single .npy: always refused, with the reason and how to save a loadable file. */
export async function loadNpy(file: string): Promise<never> {
  let head: Uint8Array;
  try {
    const size = (await stat(file)).size;
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(size, 65536 + 12));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new DataError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  let shape: number[];
  try {
    shape = parseNpyHeader(head, file).shape;
  } catch (e) {
    if (e instanceof PickledArrayError) {
      throw new DataError(`${file} is a pickled object array (like np.save of a tuple (X_train, x_test, Y_train, y_test)), which tensorpool does not unpickle; ${RESAVE} and pass the .npz`);
    }
    throw e;
  }
  throw new DataError(`${file} holds one array of shape (${shape.join(', ')}) without labels; ${RESAVE} and pass the .npz`);
}
