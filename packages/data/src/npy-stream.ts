/**
 * Parses one .npy as its bytes stream in: the header is gathered first, then
 * the data bytes go to a sink chosen from the header (images are converted as
 * they arrive; labels, small, are gathered whole).
 */
import { DataError } from '@tensorpool/core';
import { dataBytes, npyHeaderLength, parseNpyHeader, type NpyHeader } from './npy.js';
import { ImageSink, labelsToUint8, type ConvertedImages } from './npy-convert.js';

export type NpyRole = 'images' | 'labels';

export type NpyResult =
  | { role: 'images'; header: NpyHeader; value: ConvertedImages }
  | { role: 'labels'; header: NpyHeader; value: { labels: Uint8Array; numClasses: number } };

export class NpyStreamParser {
  private head: Uint8Array = new Uint8Array(0);
  private header: NpyHeader | null = null;
  private images: ImageSink | null = null;
  private labelParts: Uint8Array[] = [];
  private labelBytes = 0;
  result: NpyResult | null = null;

  /** `budget.left`: bytes the arrays of one file may still take (shared by its parsers). */
  constructor(readonly name: string, private readonly role: NpyRole, private readonly budget?: { left: number; max: number }) {}

  /** Memory this array will take: uint8 images (plus a float staging copy), or its label bytes. */
  private charge(h: NpyHeader): void {
    if (!this.budget) return;
    const cost = this.role === 'images' ? h.count * (h.kind === 'f' ? 2 : 1) : dataBytes(h);
    this.budget.left -= cost;
    if (this.budget.left < 0) throw new DataError(`${this.name} (shape ${h.shape.join('x')}) would take more than the ${this.budget.max}-byte limit of this load`);
  }

  push(chunk: Uint8Array): void {
    if (!this.header) {
      const joined = new Uint8Array(this.head.length + chunk.length);
      joined.set(this.head);
      joined.set(chunk, this.head.length);
      const len = npyHeaderLength(joined);
      if (len === null || joined.length < len) {
        if (joined.length >= 6) parseNpyHeaderPrefix(joined, this.name);
        this.head = joined;
        return;
      }
      this.header = parseNpyHeader(joined, this.name);
      this.charge(this.header);
      if (this.role === 'images') this.images = new ImageSink(this.header, this.name);
      this.head = new Uint8Array(0);
      chunk = joined.subarray(len);
    }
    if (this.images) {
      this.images.push(chunk);
    } else {
      this.labelBytes += chunk.length;
      if (this.labelBytes > dataBytes(this.header)) throw new DataError(`${this.name} is longer than its header says: corrupt`);
      this.labelParts.push(chunk.slice());
    }
  }

  end(): NpyResult {
    const h = this.header;
    if (!h) throw new DataError(`${this.name} is truncated inside its .npy header`);
    if (this.images) {
      this.result = { role: 'images', header: h, value: this.images.finish() };
    } else {
      const data = new Uint8Array(this.labelBytes);
      let at = 0;
      for (const p of this.labelParts) {
        data.set(p, at);
        at += p.length;
      }
      this.labelParts = [];
      this.result = { role: 'labels', header: h, value: labelsToUint8(h, data, this.name) };
    }
    return this.result;
  }
}

/** Fails early on a wrong magic, before the whole header has arrived. */
function parseNpyHeaderPrefix(bytes: Uint8Array, name: string): void {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (magic.some((b, i) => bytes[i] !== b)) throw new DataError(`${name} is not a NumPy .npy array (bad magic)`);
}
