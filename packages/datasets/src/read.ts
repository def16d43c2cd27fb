/**
 * A TPDS file -> DatasetSplits, read once into one SharedArrayBuffer; train
 * and test images and labels are views into it (worker threads share it
 * without a copy), exactly what loadDataset returns.
 */
import { open } from 'node:fs/promises';
import { DataError } from '@tensorpool/core';
import { sharedBytes, type DatasetSplits } from '@tensorpool/data';
import { decodeHeader } from './format.js';

async function readAll(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = sharedBytes(size, path);
    let off = 0;
    while (off < size) {
      const { bytesRead } = await fh.read(buf, off, Math.min(size - off, 64 * 1024 * 1024), off);
      if (bytesRead === 0) throw new DataError(`${path} ended after ${off} of ${size} bytes`);
      off += bytesRead;
    }
    return buf;
  } finally {
    await fh.close();
  }
}

/** Parses a whole serialized dataset held in memory (views, no copy). */
export function parseDataset(buf: Uint8Array, source: string): DatasetSplits {
  const { header, layout } = decodeHeader(buf, source);
  if (layout.total !== buf.length) throw new DataError(`${source} has ${buf.length} bytes; its header describes ${layout.total}`);
  const { shape, classes } = header;
  const per = shape[0] * shape[1] * shape[2];
  const set = (img: number, lab: number, n: number) => {
    const labels = buf.subarray(lab, lab + n);
    for (const l of labels) if (l >= classes.length) throw new DataError(`${source}: label ${l} is not one of the ${classes.length} classes`);
    return { images: buf.subarray(img, img + n * per), labels, n, shape: [...shape] as [number, number, number], classes };
  };
  return {
    source,
    train: set(layout.trainImages, layout.trainLabels, header.train),
    test: set(layout.testImages, layout.testLabels, header.test),
  };
}

export async function readDatasetFile(path: string, source: string): Promise<DatasetSplits> {
  return parseDataset(await readAll(path), source);
}
