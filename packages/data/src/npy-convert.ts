/**
 * Converting NumPy arrays (any supported dtype) to our compact uint8 form,
 * element by element into shared buffers: no float copy of the dataset is made.
 *
 * Images: uint8 is copied as is; integers must already lie in 0..255; floats
 * are mapped by one rule for the whole array, decided by a first pass over it:
 * max <= 1 means [0, 1] data (Keras-style x / 255), stored as round(v * 255);
 * otherwise [0, 255] data, stored as round(v). Anything outside [0, 255] (e.g.
 * standardized data) or NaN is refused: save raw pixels instead.
 * Labels: [n] or [n, 1] class indices, or [n, k] one-hot (argmax per row).
 */
import { DataError } from '@tensorpool/core';
import { elementGetter, type NpyHeader } from './npy.js';
import { sharedBytes } from './shared.js';

export interface NpyArray {
  header: NpyHeader;
  /** The whole .npy bytes (header and data). */
  bytes: Uint8Array;
  name: string;
}

/** [n, h, w] or [n, h, w, c] -> shared uint8 [n, h, w, c]. */
export function imagesToUint8(a: NpyArray): { images: Uint8Array; n: number; shape: [number, number, number] } {
  const { header: h, name } = a;
  const s = h.shape;
  if (s.length !== 3 && s.length !== 4) throw new DataError(`${name} has shape (${s.join(', ')}); expected images [n, h, w] or [n, h, w, c]`);
  const shape: [number, number, number] = [s[1], s[2], s.length === 4 ? s[3] : 1];
  if (s.length === 4 && shape[2] > 4 && (s[1] === 1 || s[1] === 3)) {
    throw new DataError(`${name} has shape (${s.join(', ')}), which looks channels-first; save it channels-last with x.transpose(0, 2, 3, 1)`);
  }
  const get = elementGetter(h, a.bytes, name);
  const out = sharedBytes(h.count, name);
  if (h.kind === 'u' && h.itemsize === 1) {
    out.set(a.bytes.subarray(h.dataOffset, h.dataOffset + h.count));
    return { images: out, n: s[0], shape };
  }
  let scale = 1;
  if (h.kind === 'f') {
    let max = -Infinity;
    for (let i = 0; i < h.count; i++) {
      const v = get(i);
      if (!(v >= 0 && v <= 255)) throw new DataError(`${name} has pixel value ${v} at flat index ${i}; expected [0, 1] or [0, 255] (save raw, unnormalized pixels)`);
      if (v > max) max = v;
    }
    scale = max <= 1 ? 255 : 1;
  }
  for (let i = 0; i < h.count; i++) {
    const v = Math.round(get(i) * scale);
    if (!(v >= 0 && v <= 255)) throw new DataError(`${name} has pixel value ${get(i)} at flat index ${i}; expected integers 0..255`);
    out[i] = v;
  }
  return { images: out, n: s[0], shape };
}

/** Class indices or one-hot rows -> shared uint8 [n] plus the number of classes seen. */
export function labelsToUint8(a: NpyArray): { labels: Uint8Array; numClasses: number } {
  const { header: h, name } = a;
  const s = h.shape;
  const get = elementGetter(h, a.bytes, name);
  const n = s[0];
  const out = sharedBytes(n, name);
  if (s.length === 1 || (s.length === 2 && s[1] === 1)) {
    let max = -1;
    for (let i = 0; i < n; i++) {
      const v = get(i);
      if (!(Number.isInteger(v) && v >= 0 && v <= 255)) throw new DataError(`${name} has label ${v} at ${i}; expected class indices 0..255 or one-hot rows`);
      out[i] = v;
      if (v > max) max = v;
    }
    return { labels: out, numClasses: max + 1 };
  }
  if (s.length === 2) {
    const k = s[1];
    if (k > 256) throw new DataError(`${name} has ${k} one-hot columns; at most 256 classes are supported`);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestV = -Infinity;
      for (let j = 0; j < k; j++) {
        const v = get(i * k + j);
        if (v > bestV) { bestV = v; best = j; }
      }
      if (!(bestV > 0)) throw new DataError(`${name} row ${i} is not one-hot (largest value ${bestV})`);
      out[i] = best;
    }
    return { labels: out, numClasses: k };
  }
  throw new DataError(`${name} has shape (${s.join(', ')}); expected labels [n] or one-hot [n, classes]`);
}
