/**
 * The serialized dataset ("TPDS" version 1): one byte stream, read front to
 * back, so it can be produced and consumed in chunks without seeking.
 *
 *   offset  size  field (integers little-endian)
 *   0       4     magic "TPDS"
 *   4       2     version = 1
 *   6       2     reserved = 0
 *   8       4     headerBytes H (the whole header, from offset 0)
 *   12      4     h
 *   16      4     w
 *   20      4     c (1 or 3)
 *   24      4     train count n
 *   28      4     test count m
 *   32      2     number of classes k (1..256)
 *   34      ...   k x [u16 byte length L, L bytes UTF-8 class name]
 *   H       n*h*w*c  train images, uint8 [n, h, w, c] row-major
 *           n        train labels, uint8 class indices
 *                m*h*w*c  test images
 *                m        test labels
 *
 * The dataset id is "sha256:" + the SHA-256 of this whole stream.
 */
import { DataError } from '@tensorpool/core';

export const MAGIC = 'TPDS';
export const FORMAT_VERSION = 1;
const FIXED = 34;
const MAX_CLASS_NAME_BYTES = 200;

export interface Header {
  shape: [number, number, number];
  classes: string[];
  train: number;
  test: number;
}

/** Byte offsets of the four arrays, derived from the header. */
export interface Layout {
  headerBytes: number;
  trainImages: number;
  trainLabels: number;
  testImages: number;
  testLabels: number;
  total: number;
}

function checkHeader(h: Header, what: string): void {
  const [hh, w, c] = h.shape;
  const dims = [hh, w, h.train, h.test];
  if (!dims.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff) || hh < 1 || w < 1 || hh > 16384 || w > 16384) {
    throw new DataError(`${what}: bad shape or counts [${h.shape.join(', ')}] train ${h.train} test ${h.test}`);
  }
  if (c !== 1 && c !== 3) throw new DataError(`${what}: channels must be 1 or 3, got ${c}`);
  if (h.classes.length < 1 || h.classes.length > 256) throw new DataError(`${what}: ${h.classes.length} classes; 1..256 are supported`);
}

export function encodeHeader(h: Header): Uint8Array {
  checkHeader(h, 'dataset header');
  const names = h.classes.map((s) => Buffer.from(s, 'utf8'));
  for (const n of names) {
    if (n.length < 1 || n.length > MAX_CLASS_NAME_BYTES) throw new DataError(`class name '${n.toString()}' must be 1..${MAX_CLASS_NAME_BYTES} bytes of UTF-8`);
  }
  const size = FIXED + names.reduce((s, n) => s + 2 + n.length, 0);
  const out = Buffer.alloc(size);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt16LE(FORMAT_VERSION, 4);
  out.writeUInt32LE(size, 8);
  [h.shape[0], h.shape[1], h.shape[2], h.train, h.test].forEach((v, i) => out.writeUInt32LE(v, 12 + 4 * i));
  out.writeUInt16LE(names.length, 32);
  let o = FIXED;
  for (const n of names) {
    out.writeUInt16LE(n.length, o);
    n.copy(out, o + 2);
    o += 2 + n.length;
  }
  return out;
}

/** Reads the header from the first bytes of a stream (at least headerBytes of them). */
export function decodeHeader(bytes: Uint8Array, what = 'dataset'): { header: Header; layout: Layout } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < FIXED || b.toString('latin1', 0, 4) !== MAGIC) throw new DataError(`${what} is not a tensorpool dataset (no TPDS magic)`);
  const version = b.readUInt16LE(4);
  if (version !== FORMAT_VERSION) throw new DataError(`${what} has format version ${version}; this tensorpool reads version ${FORMAT_VERSION}`);
  const headerBytes = b.readUInt32LE(8);
  if (headerBytes < FIXED || headerBytes > b.length) throw new DataError(`${what}: header length ${headerBytes} is outside the ${b.length} bytes read`);
  const [hh, w, c, train, test] = [0, 1, 2, 3, 4].map((i) => b.readUInt32LE(12 + 4 * i));
  const k = b.readUInt16LE(32);
  const classes: string[] = [];
  let o = FIXED;
  for (let i = 0; i < k; i++) {
    const len = o + 2 <= headerBytes ? b.readUInt16LE(o) : -1;
    if (len < 1 || o + 2 + len > headerBytes) throw new DataError(`${what}: class name ${i} runs past the header`);
    classes.push(b.toString('utf8', o + 2, o + 2 + len));
    o += 2 + len;
  }
  if (o !== headerBytes) throw new DataError(`${what}: header has ${headerBytes - o} stray bytes`);
  const header: Header = { shape: [hh, w, c], classes, train, test };
  checkHeader(header, what);
  return { header, layout: layoutOf(header, headerBytes) };
}

export function layoutOf(h: Header, headerBytes: number): Layout {
  const per = h.shape[0] * h.shape[1] * h.shape[2];
  const trainImages = headerBytes;
  const trainLabels = trainImages + h.train * per;
  const testImages = trainLabels + h.train;
  const testLabels = testImages + h.test * per;
  return { headerBytes, trainImages, trainLabels, testImages, testLabels, total: testLabels + h.test };
}
