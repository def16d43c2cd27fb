/**
 * NumPy files from Keras users. A .npz (zip of .npy) holding X_train, X_test,
 * y_train, y_test (any case of the x/y) is a dataset. Entries are unzipped one
 * at a time and converted to uint8 before the next, so the peak is the
 * compressed file plus one decompressed array plus the uint8 result.
 * A single .npy cannot be one: the seed's np.save((X_train, x_test, Y_train, y_test))
 * is a pickled object array, refused with how to re-save it.
 */
import { readFile, open } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { DataError } from '@tensorpool/core';
import { parseNpyHeader, PickledArrayError } from './npy.js';
import { imagesToUint8, labelsToUint8, type NpyArray } from './npy-convert.js';
import type { DatasetSplits, ImageSet, NumpyOptions } from './types.js';

const RESAVE = "re-save with np.savez('data.npz', X_train=X_train, X_test=x_test, y_train=Y_train, y_test=y_test)";

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new DataError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

/** The zip entry names (without .npy) in the archive, found through its central directory. */
function entryNames(zip: Uint8Array, file: string): string[] {
  const names: string[] = [];
  try {
    unzipSync(zip, { filter: (f) => { names.push(f.name); return false; } });
  } catch (e) {
    throw new DataError(`${file} is not a valid .npz (zip) file: ${(e as Error).message}`, { cause: e });
  }
  return names;
}

function unzipOne(zip: Uint8Array, entry: string, file: string): Uint8Array {
  let out: Record<string, Uint8Array>;
  try {
    out = unzipSync(zip, { filter: (f) => f.name === entry });
  } catch (e) {
    throw new DataError(`${file}: cannot unzip ${entry} (${(e as Error).message}); the file is corrupt or truncated`, { cause: e });
  }
  return out[entry];
}

function readEntry(zip: Uint8Array, entry: string, file: string): NpyArray {
  const name = `${file}:${entry}`;
  const bytes = unzipOne(zip, entry, file);
  try {
    return { header: parseNpyHeader(bytes, name), bytes, name };
  } catch (e) {
    if (e instanceof PickledArrayError) throw new DataError(`${e.message}; ${RESAVE}`);
    throw e;
  }
}

export async function loadNpz(file: string, opts: NumpyOptions = {}): Promise<DatasetSplits> {
  const zip = await readBytes(file);
  const names = entryNames(zip, file);
  const find = (x: string): string => {
    const wanted = [`${x}.npy`, `${x[0] === 'X' ? 'x' : 'Y'}${x.slice(1)}.npy`];
    const hit = names.find((n) => wanted.includes(n));
    if (!hit) throw new DataError(`${file} has no ${x} array (found: ${names.map((n) => n.replace(/\.npy$/, '')).join(', ') || 'none'}); ${RESAVE}`);
    return hit;
  };
  const entries = { xTrain: find('X_train'), xTest: find('X_test'), yTrain: find('y_train'), yTest: find('y_test') };

  const part = (xEntry: string, yEntry: string) => {
    const x = imagesToUint8(readEntry(zip, xEntry, file));
    const y = labelsToUint8(readEntry(zip, yEntry, file));
    if (y.labels.length !== x.n) throw new DataError(`${file}: ${yEntry} has ${y.labels.length} labels but ${xEntry} has ${x.n} images`);
    return { x, y };
  };
  const tr = part(entries.xTrain, entries.yTrain);
  const te = part(entries.xTest, entries.yTest);
  if (tr.x.shape.join() !== te.x.shape.join()) throw new DataError(`${file}: train images are [${tr.x.shape}] but test images are [${te.x.shape}]`);

  const numClasses = Math.max(tr.y.numClasses, te.y.numClasses);
  let classes = opts.classes;
  if (classes) {
    if (classes.length < numClasses) throw new DataError(`${file} has labels up to ${numClasses - 1} but only ${classes.length} class names were given`);
  } else {
    classes = Array.from({ length: numClasses }, (_, i) => String(i));
  }
  const set = (p: typeof tr): ImageSet => ({ images: p.x.images, labels: p.y.labels, n: p.x.n, shape: p.x.shape, classes: classes! });
  return { source: `npz ${file}`, train: set(tr), test: set(te) };
}

/** A single .npy: always refused, with the reason and how to save a loadable file. */
export async function loadNpy(file: string): Promise<never> {
  let head: Uint8Array;
  try {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(65536 + 12);
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
