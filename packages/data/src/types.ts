/**
 * A labelled image set held compactly: uint8 pixels, channels-last, in one
 * buffer that can be a SharedArrayBuffer so worker threads read it without a
 * copy. Normalization to float happens per batch, never for the whole set.
 */
export interface ImageSet {
  /** [n, h, w, c] uint8, row-major. */
  images: Uint8Array;
  /** [n] class indices into `classes`. */
  labels: Uint8Array;
  /** Number of samples. */
  n: number;
  /** [h, w, c] */
  shape: [number, number, number];
  classes: string[];
}

export interface DatasetSplits {
  /** Human-readable origin, e.g. "fashion-mnist (/usr/share/datasets/fashion-mnist)". */
  source: string;
  train: ImageSet;
  test: ImageSet;
  /** Files that could not be decoded (image folders), reported, never silently dropped. */
  skipped?: { file: string; reason: string }[];
}
