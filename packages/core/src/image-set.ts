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
