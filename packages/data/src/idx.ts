/**
 * IDX files (the MNIST format), gzipped or not: a big-endian header
 *   [0, 0, type, ndims] then ndims uint32 dims
 * followed by prod(dims) values. Only type 0x08 (unsigned byte) is used by
 * (Fashion-)MNIST. The values are streamed straight into a SharedArrayBuffer,
 * so a 47 MB image file costs 47 MB, not twice that.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { DataError } from '@tensorpool/core';
import { sharedBytes } from './shared.js';

export interface IdxArray {
  dims: number[];
  /** prod(dims) uint8 values, SharedArrayBuffer-backed. */
  data: Uint8Array;
}

const UBYTE = 0x08;

async function isGzip(file: string): Promise<boolean> {
  try {
    const fh = await open(file, 'r');
    try {
      const head = Buffer.alloc(2);
      const { bytesRead } = await fh.read(head, 0, 2, 0);
      return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new DataError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

/** Reads an unsigned-byte IDX file; any defect is a DataError naming the file. */
export async function readIdx(file: string): Promise<IdxArray> {
  const gz = await isGzip(file);
  const raw = createReadStream(file);
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (e) => stream.destroy(e));

  let header: Buffer | null = Buffer.alloc(0);
  let dims: number[] = [];
  let data: Uint8Array | null = null;
  let filled = 0;
  try {
    for await (const c of stream as AsyncIterable<Buffer>) {
      let chunk = c;
      if (header) {
        header = Buffer.concat([header, chunk]);
        if (header.length < 4) continue;
        if (header[0] !== 0 || header[1] !== 0 || header[2] !== UBYTE) {
          throw new DataError(`${file} is not an unsigned-byte IDX file (bad magic ${header.subarray(0, 4).toString('hex')})`);
        }
        const nd = header[3];
        if (nd < 1 || nd > 4) throw new DataError(`${file} is not a valid IDX file (${nd} dimensions)`);
        const headLen = 4 + 4 * nd;
        if (header.length < headLen) continue;
        dims = Array.from({ length: nd }, (_, i) => header!.readUInt32BE(4 + 4 * i));
        const total = dims.reduce((a, b) => a * b, 1);
        data = sharedBytes(total, file);
        chunk = header.subarray(headLen);
        header = null;
      }
      if (filled + chunk.length > data!.length) {
        throw new DataError(`${file} is longer than its header says (dims ${dims.join('x')}): corrupt or not an IDX file`);
      }
      data!.set(chunk, filled);
      filled += chunk.length;
    }
  } catch (e) {
    stream.destroy();
    raw.destroy();
    if (e instanceof DataError) throw e;
    const msg = (e as Error).message;
    throw new DataError(`${file} cannot be read (${gz ? 'gzip: ' : ''}${msg}); the file is corrupt or truncated, delete it and reinstall`, { cause: e });
  }
  if (header) throw new DataError(`${file} is truncated: ${header.length} bytes, shorter than an IDX header`);
  if (filled !== data!.length) {
    throw new DataError(`${file} is truncated: ${filled} of ${data!.length} data bytes (dims ${dims.join('x')})`);
  }
  return { dims, data: data! };
}
