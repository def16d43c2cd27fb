/**
 * Converting NumPy array data to our compact uint8 form as it streams in,
 * chunk by chunk, into shared buffers: no float copy of the dataset is ever
 * held, only uint8 ones.
 *
 * Images: uint8 is copied as is; other integers must lie in 0..255; floats
 * in [0, 1] (Keras-style x / 255) are stored as round(v * 255) and floats in
 * [0, 255] as round(v), one rule for the whole array chosen by its maximum
 * (max <= 1 means [0, 1]). Since the maximum is known only at the end and the
 * data is read once, a float array fills two uint8 candidates (one per rule)
 * and the loser is dropped: 2 bytes per value at the peak instead of 4 or 8.
 * Values outside [0, 255] (e.g. standardized data) or NaN are refused.
 * Labels: [n] or [n, 1] class indices, or [n, k] one-hot (argmax per row).
 */
import { DataError } from '@tensorpool/core';
import { dataBytes, elementGetter, type NpyHeader } from './npy.js';
import { sharedBytes } from './shared.js';

export interface ConvertedImages {
  images: Uint8Array;
  n: number;
  shape: [number, number, number];
}

/** Receives an array's data bytes in any chunking; finish() returns [n, h, w, c] uint8. */
export class ImageSink {
  private readonly out: Uint8Array;
  /** For floats: round(v * 255), used when the array turns out to be [0, 1]. */
  private readonly unit: Uint8Array | null;
  private readonly shape: [number, number, number];
  private max = -Infinity;
  /** Elements written so far. */
  private done = 0;
  /** Bytes of an element split across two chunks. */
  private carry = new Uint8Array(0);

  constructor(private readonly h: NpyHeader, private readonly name: string) {
    const s = h.shape;
    if (s.length !== 3 && s.length !== 4) throw new DataError(`${name} has shape (${s.join(', ')}); expected images [n, h, w] or [n, h, w, c]`);
    if (s.length === 4 && s[3] > 4 && (s[1] === 1 || s[1] === 3)) {
      throw new DataError(`${name} has shape (${s.join(', ')}), which looks channels-first; save it channels-last with x.transpose(0, 2, 3, 1)`);
    }
    this.shape = [s[1], s[2], s.length === 4 ? s[3] : 1];
    this.out = sharedBytes(h.count, name);
    this.unit = h.kind === 'f' ? sharedBytes(h.count, name) : null;
  }

  push(chunk: Uint8Array): void {
    const size = this.h.itemsize;
    if (this.carry.length) {
      const need = size - this.carry.length;
      const joined = new Uint8Array(size);
      joined.set(this.carry);
      joined.set(chunk.subarray(0, need), this.carry.length);
      if (chunk.length < need) {
        this.carry = joined.subarray(0, this.carry.length + chunk.length);
        return;
      }
      this.convert(joined);
      chunk = chunk.subarray(need);
    }
    const whole = chunk.length - (chunk.length % size);
    this.convert(chunk.subarray(0, whole));
    this.carry = chunk.slice(whole);
  }

  private convert(bytes: Uint8Array): void {
    const m = bytes.length / this.h.itemsize;
    if (this.done + m > this.h.count) throw new DataError(`${this.name} is longer than its header says (${dataBytes(this.h)} data bytes): corrupt`);
    const out = this.out;
    const base = this.done;
    if (this.h.kind === 'u' && this.h.itemsize === 1) {
      out.set(bytes, base);
    } else {
      const get = elementGetter(this.h, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      const unit = this.unit;
      for (let i = 0; i < m; i++) {
        const v = get(i);
        if (!(v >= 0 && v <= 255)) {
          throw new DataError(`${this.name} has pixel value ${v} at flat index ${base + i}; expected [0, 1] or [0, 255] (save raw, unnormalized pixels)`);
        }
        if (unit) {
          if (v > this.max) this.max = v;
          out[base + i] = Math.round(v);
          unit[base + i] = v <= 1 ? Math.round(v * 255) : 255;
        } else if (!Number.isInteger(v)) {
          throw new DataError(`${this.name} has pixel value ${v} at flat index ${base + i}; expected integers 0..255`);
        } else {
          out[base + i] = v;
        }
      }
    }
    this.done += m;
  }

  finish(): ConvertedImages {
    if (this.done !== this.h.count || this.carry.length) {
      throw new DataError(`${this.name} is truncated: ${this.done * this.h.itemsize + this.carry.length} of ${dataBytes(this.h)} data bytes`);
    }
    const images = this.unit && this.max <= 1 ? this.unit : this.out;
    return { images, n: this.h.shape[0], shape: this.shape };
  }
}

/** Class indices or one-hot rows (`data`: exactly the data bytes) -> shared uint8 [n] and the class count seen. */
export function labelsToUint8(h: NpyHeader, data: Uint8Array, name: string): { labels: Uint8Array; numClasses: number } {
  if (data.length !== dataBytes(h)) throw new DataError(`${name} is truncated: ${data.length} of ${dataBytes(h)} data bytes`);
  const s = h.shape;
  const get = elementGetter(h, new DataView(data.buffer, data.byteOffset, data.byteLength));
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
