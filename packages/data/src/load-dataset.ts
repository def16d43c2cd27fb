/**
 * One entry point for every dataset reference:
 *   'fashion-mnist'        -> the IDX files (found or downloaded)
 *   a directory            -> image folders root/<label>/*.jpg, split train/test
 *   a .npz file            -> X_train, X_test, y_train, y_test
 *   a .npy file            -> refused with how to make a .npz
 */
import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { DataError } from '@tensorpool/core';
import { loadFashionMnist } from './fashion-mnist.js';
import { loadImageFolder } from './image-folder.js';
import { loadNpy, loadNpz } from './npz.js';
import { limitSamples } from './limit.js';
import type { DatasetSplits, LoadOptions } from './types.js';

async function loadAny(ref: string, opts: LoadOptions): Promise<DatasetSplits> {
  if (ref === 'fashion-mnist') return loadFashionMnist({ ...opts.fashionMnist, dataDir: opts.dataDir ?? opts.fashionMnist?.dataDir });
  const path = resolve(ref);
  const st = await stat(path).catch(() => null);
  if (!st) {
    throw new DataError(`dataset '${ref}' not found: expected 'fashion-mnist', an image folder (root/<label>/*.jpg) or a .npz file`);
  }
  if (st.isDirectory()) return loadImageFolder(path, opts);
  const ext = extname(path).toLowerCase();
  if (ext === '.npz') return loadNpz(path, opts);
  if (ext === '.npy') return loadNpy(path);
  throw new DataError(`dataset '${ref}' is a file of unknown kind: expected 'fashion-mnist', an image folder (root/<label>/*.jpg) or a .npz file`);
}

/** Loads a dataset; `limit` / `testLimit` keep N samples of each split by the rule of limit.ts (per class, by content). */
export async function loadDataset(ref: string, opts: LoadOptions = {}): Promise<DatasetSplits> {
  const d = await loadAny(ref, opts);
  if (opts.limit !== undefined) d.train = limitSamples(d.train, opts.limit);
  if (opts.testLimit !== undefined) d.test = limitSamples(d.test, opts.testLimit);
  return d;
}
