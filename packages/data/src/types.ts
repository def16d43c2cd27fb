import type { ImageSet } from '@tensorpool/core';

export type { ImageSet };

export interface DatasetSplits {
  /** Human-readable origin, e.g. "fashion-mnist (/usr/share/datasets/fashion-mnist)". */
  source: string;
  train: ImageSet;
  test: ImageSet;
  /** Files that could not be decoded (image folders), reported, never silently dropped. */
  skipped?: { file: string; reason: string }[];
}

/** Where Fashion-MNIST is looked up and, when absent everywhere, downloaded from. */
export interface FashionMnistOptions {
  /** Explicit directory (CLI --data-dir); checked first, an error if the files are not there. */
  dataDir?: string;
  /** Environment to read FASHION_MNIST_DIR from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Download cache (default ~/.cache/tensorpool/fashion-mnist). */
  cacheDir?: string;
  /** System copy (default /usr/share/datasets/fashion-mnist, Debian's dataset-fashion-mnist). */
  systemDir?: string;
  /** Base URL of the four .gz files (default the official Zalando location). */
  baseUrl?: string;
  /** Expected MD5 per file name (default the published checksums). */
  checksums?: Record<string, string>;
  /** Download when not found anywhere (default true). */
  download?: boolean;
}

/** Options for image folders `root/<label>/*.{jpg,png,...}`. */
export interface ImageFolderOptions {
  /** [h, w, c] every image is resized to (c = 3 RGB, c = 1 grayscale); default DEFAULTS.imageShape. */
  shape?: [number, number, number];
  /** Label order (e.g. the preset's labels); default the sorted folder names. */
  classes?: string[];
  /** Fail on the first undecodable or unsupported file instead of reporting it in `skipped`. */
  strict?: boolean;
  /** Skip (report) symbolic links inside class folders instead of following them (the job service's confined loads). */
  noSymlinks?: boolean;
  /** Images decoded at once (default 2 x available cores). */
  concurrency?: number;
  /** Fraction held out for testing (default DEFAULTS.testFraction); stratified per class. */
  testFraction?: number;
  /** Seed of the train/test split (default DEFAULTS.seed). */
  seed?: number;
  /** Called after each file is decoded (or skipped): files done so far, of all files found. */
  onProgress?: (done: number, total: number) => void;
}

/** Options for NumPy .npz files. */
export interface NumpyOptions {
  /** Class names (default "0".."k-1" where k = max label + 1 or the one-hot width). */
  classes?: string[];
  /**
   * Most bytes the arrays may take in memory, checked against each .npy header
   * before anything is allocated (for untrusted uploads: a deflated .npz can
   * expand a thousandfold). Default unbounded.
   */
  maxBytes?: number;
}

export interface LoadOptions extends ImageFolderOptions, NumpyOptions {
  /** Fashion-MNIST lookup/download (dataDir is also accepted at the top level). */
  fashionMnist?: FashionMnistOptions;
  /** Same as fashionMnist.dataDir (CLI --data-dir). */
  dataDir?: string;
  /** Keep only N training samples: per class, by content (limit.ts; the same images wherever the split is loaded). */
  limit?: number;
  /** Keep only N test samples, by the same rule. */
  testLimit?: number;
}
