/**
 * Fashion-MNIST (Zalando): 60000 train + 10000 test 28x28 grayscale images in
 * 10 classes, as four IDX files. Looked up in: explicit dataDir, env
 * FASHION_MNIST_DIR, ~/.cache/tensorpool/fashion-mnist,
 * /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist); when
 * absent everywhere, downloaded into the cache with MD5 verification.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '@tensorpool/core';
import { readIdx } from './idx.js';
import { downloadVerified, DownloadFailed } from './download.js';
import type { DatasetSplits, FashionMnistOptions, ImageSet } from './types.js';

/** Label i's name, from the zalandoresearch/fashion-mnist README. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
  'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

export const FASHION_MNIST_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

/** Published MD5s of the official .gz files (zalandoresearch/fashion-mnist README, "Get the Data"). */
export const FASHION_MNIST_MD5: Record<string, string> = {
  'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
  'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
  't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
  't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
};

const FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const;

export const FASHION_MNIST_INSTALL_HINT = 'install it with `apt-get install dataset-fashion-mnist` or set FASHION_MNIST_DIR to a directory holding the four IDX files';

/** The path of `base` in `dir`, gzipped or not, or null. */
function findFile(dir: string, base: string): string | null {
  for (const name of [`${base}.gz`, base]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return null;
}

/** The four file paths in `dir`, or the names missing there. */
function filesIn(dir: string): { paths: string[] } | { missing: string[] } {
  const paths = FILES.map((f) => findFile(dir, f));
  const missing = FILES.filter((_, i) => !paths[i]);
  return missing.length ? { missing: missing.map((m) => `${m}(.gz)`) } : { paths: paths as string[] };
}

export function defaultCacheDir(): string {
  return join(homedir(), '.cache', 'tensorpool', 'fashion-mnist');
}

/** Finds (or downloads) the dataset and returns the directory and the four paths. */
export async function locateFashionMnist(opts: FashionMnistOptions = {}): Promise<{ dir: string; paths: string[] }> {
  const env = opts.env ?? process.env;
  // Explicitly named directories must hold the files: falling back silently would hide a typo.
  for (const [dir, what] of [[opts.dataDir, '--data-dir'], [env.FASHION_MNIST_DIR, 'FASHION_MNIST_DIR']] as const) {
    if (!dir) continue;
    const r = filesIn(dir);
    if ('paths' in r) return { dir, paths: r.paths };
    throw new DataError(`Fashion-MNIST not found in ${dir} (from ${what}): missing ${r.missing.join(', ')}`);
  }
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const systemDir = opts.systemDir ?? '/usr/share/datasets/fashion-mnist';
  for (const dir of [cacheDir, systemDir]) {
    const r = filesIn(dir);
    if ('paths' in r) return { dir, paths: r.paths };
  }
  const where = `looked in ${cacheDir} and ${systemDir}`;
  if (opts.download === false) throw new DataError(`Fashion-MNIST not found (${where}); ${FASHION_MNIST_INSTALL_HINT}`);

  const baseUrl = (opts.baseUrl ?? FASHION_MNIST_URL).replace(/\/?$/, '/');
  const checksums = opts.checksums ?? FASHION_MNIST_MD5;
  for (const f of FILES) {
    const name = `${f}.gz`;
    const dest = join(cacheDir, name);
    if (existsSync(dest)) continue; // an earlier, verified download
    try {
      await downloadVerified(baseUrl + name, dest, checksums[name]);
    } catch (e) {
      if (e instanceof DownloadFailed) {
        throw new DataError(`Fashion-MNIST not found (${where}) and ${e.message}; ${FASHION_MNIST_INSTALL_HINT}`, { cause: e });
      }
      throw e;
    }
  }
  return { dir: cacheDir, paths: FILES.map((f) => join(cacheDir, `${f}.gz`)) };
}

async function readPair(imagesFile: string, labelsFile: string): Promise<ImageSet> {
  const [img, lab] = await Promise.all([readIdx(imagesFile), readIdx(labelsFile)]);
  if (img.dims.length !== 3) throw new DataError(`${imagesFile} should hold [n, rows, cols] images, has dims ${img.dims.join('x')}`);
  if (lab.dims.length !== 1) throw new DataError(`${labelsFile} should hold [n] labels, has dims ${lab.dims.join('x')}`);
  const [n, h, w] = img.dims;
  if (lab.dims[0] !== n) throw new DataError(`${labelsFile} has ${lab.dims[0]} labels but ${imagesFile} has ${n} images`);
  const bad = lab.data.findIndex((l) => l >= FASHION_MNIST_CLASSES.length);
  if (bad >= 0) throw new DataError(`${labelsFile} has label ${lab.data[bad]} at ${bad}, outside 0..9`);
  // IDX images are [n, rows, cols]: the same bytes as [n, h, w, 1].
  return { images: img.data, labels: lab.data, n, shape: [h, w, 1], classes: [...FASHION_MNIST_CLASSES] };
}

export async function loadFashionMnist(opts: FashionMnistOptions = {}): Promise<DatasetSplits> {
  const { dir, paths } = await locateFashionMnist(opts);
  const [trainImages, trainLabels, testImages, testLabels] = paths;
  const train = await readPair(trainImages, trainLabels);
  const test = await readPair(testImages, testLabels);
  return { source: `fashion-mnist (${dir})`, train, test };
}
