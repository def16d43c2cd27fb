/**
 * DatasetSplits -> the TPDS byte stream (format.ts), in canonical order, as a
 * sequence of parts (header, then one view per image, then labels): no copy
 * of the dataset is made; chunks.ts cuts the parts into fixed-size chunks.
 *
 * Canonical order: within each split, samples sorted by label, then by their
 * pixel bytes. The id then depends only on the decoded images, their labels,
 * the split and the class names, never on file names or directory listing order.
 */
import { DataError } from '@tensorpool/core';
import type { DatasetSplits, ImageSet } from '@tensorpool/data';
import { encodeHeader, layoutOf, type Header } from './format.js';

/** Sample indices of `set` in canonical order (label, then pixel bytes). */
export function canonicalOrder(set: ImageSet): Uint32Array {
  const per = set.shape[0] * set.shape[1] * set.shape[2];
  const img = Buffer.from(set.images.buffer, set.images.byteOffset, set.images.byteLength);
  const order = Array.from({ length: set.n }, (_, i) => i);
  order.sort((a, b) => set.labels[a] - set.labels[b] || Buffer.compare(img.subarray(a * per, (a + 1) * per), img.subarray(b * per, (b + 1) * per)));
  return Uint32Array.from(order);
}

export interface Serialized {
  header: Header;
  /** Total bytes of the stream. */
  bytes: number;
  /** Yields the stream as consecutive views (valid until the dataset is freed). */
  parts(): Generator<Uint8Array>;
}

function checkSplits(d: DatasetSplits): void {
  const { train, test } = d;
  if (train.shape.join() !== test.shape.join()) throw new DataError(`train shape [${train.shape}] and test shape [${test.shape}] differ`);
  if (train.classes.join('\u0000') !== test.classes.join('\u0000')) throw new DataError('train and test have different class names');
  for (const s of [train, test]) {
    const per = s.shape[0] * s.shape[1] * s.shape[2];
    if (s.images.length !== s.n * per || s.labels.length !== s.n) throw new DataError(`image set of ${s.n} samples has ${s.images.length} pixel bytes and ${s.labels.length} labels`);
    for (const l of s.labels) if (l >= s.classes.length) throw new DataError(`label ${l} is not one of the ${s.classes.length} classes`);
  }
}

export function serialize(d: DatasetSplits): Serialized {
  checkSplits(d);
  const header: Header = { shape: [...d.train.shape], classes: [...d.train.classes], train: d.train.n, test: d.test.n };
  const head = encodeHeader(header);
  const bytes = layoutOf(header, head.length).total;
  const orders = [canonicalOrder(d.train), canonicalOrder(d.test)];
  function* parts(): Generator<Uint8Array> {
    yield head;
    for (const [k, set] of [d.train, d.test].entries()) {
      const per = set.shape[0] * set.shape[1] * set.shape[2];
      const order = orders[k];
      for (const i of order) yield set.images.subarray(i * per, (i + 1) * per);
      yield Uint8Array.from(order, (i) => set.labels[i]);
    }
  }
  return { header, bytes, parts };
}
