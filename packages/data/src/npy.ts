/**
 * The NumPy .npy format: "\x93NUMPY", version (major, minor), a little-endian
 * header length (uint16 for v1, uint32 for v2/v3), then a Python dict literal
 *   {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 28, 28), }
 * padded so the data starts 64-byte aligned, then the raw C-order data.
 */
import { DataError } from '@tensorpool/core';

export type NpyKind = 'u' | 'i' | 'f' | 'b';

export interface NpyHeader {
  descr: string;
  kind: NpyKind;
  /** Bytes per element. */
  itemsize: number;
  littleEndian: boolean;
  shape: number[];
  /** Byte offset of the data in the .npy bytes. */
  dataOffset: number;
  /** prod(shape). */
  count: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const SUPPORTED = new Set(['u1', 'i1', 'b1', 'u2', 'i2', 'u4', 'i4', 'u8', 'i8', 'f4', 'f8']);

/** Thrown for pickled object arrays, which we refuse to unpickle. */
export class PickledArrayError extends DataError {}

/** Parses the header at the start of `bytes` (at least the first header-length bytes of the file). */
export function parseNpyHeader(bytes: Uint8Array, name: string): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new DataError(`${name} is not a NumPy .npy array (bad magic)`);
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new DataError(`${name} is truncated inside its .npy header`);
    headerLen = dv.getUint32(8, true);
    start = 12;
  } else {
    throw new DataError(`${name} has unsupported .npy format version ${major}.${bytes[7]}`);
  }
  if (bytes.length < start + headerLen) throw new DataError(`${name} is truncated inside its .npy header`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));

  const descrMatch = /'descr'\s*:\s*'([^']*)'/.exec(text);
  if (!descrMatch) {
    if (/'descr'\s*:\s*\[/.test(text)) throw new DataError(`${name} is a structured (record) array; save plain numeric arrays instead`);
    throw new DataError(`${name} has an unreadable .npy header: ${text.trim()}`);
  }
  const descr = descrMatch[1];
  if (/^[<>|=]?O/.test(descr)) {
    throw new PickledArrayError(`${name} is a pickled object array (dtype 'O', needs allow_pickle), which tensorpool does not load for safety`);
  }
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  if (fortran === undefined) throw new DataError(`${name} has an unreadable .npy header (no fortran_order): ${text.trim()}`);
  if (fortran === 'True') throw new DataError(`${name} is in Fortran order; save it with np.ascontiguousarray(x) first`);
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shapeMatch) throw new DataError(`${name} has an unreadable .npy header (no shape): ${text.trim()}`);
  const shape = shapeMatch[1].split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new DataError(`${name} has a bad shape (${shapeMatch[1]})`);

  const m = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(descr);
  const key = m ? `${m[2]}${m[3]}` : '';
  if (!m || !SUPPORTED.has(key)) {
    throw new DataError(`${name} has dtype '${descr}'; supported: uint8, int8/16/32/64, uint16/32/64, float32, float64, bool`);
  }
  const itemsize = Number(m[3]);
  const littleEndian = m[1] !== '>'; // '|' (one byte), '<' and '=' on every platform Node runs on
  const count = shape.reduce((a, b) => a * b, 1);
  const dataOffset = start + headerLen;
  return { descr, kind: m[2] as NpyKind, itemsize, littleEndian, shape, dataOffset, count };
}

/** Bytes of data that follow the header. */
export function dataBytes(h: NpyHeader): number {
  return h.count * h.itemsize;
}

/**
 * A getter for element i of `dv` (data bytes in the header's dtype). int64
 * beyond 2^53 loses precision, irrelevant for pixels and labels.
 */
export function elementGetter(h: NpyHeader, dv: DataView): (i: number) => number {
  const le = h.littleEndian;
  switch (`${h.kind}${h.itemsize}`) {
    case 'u1': case 'b1': return (i) => dv.getUint8(i);
    case 'i1': return (i) => dv.getInt8(i);
    case 'u2': return (i) => dv.getUint16(2 * i, le);
    case 'i2': return (i) => dv.getInt16(2 * i, le);
    case 'u4': return (i) => dv.getUint32(4 * i, le);
    case 'i4': return (i) => dv.getInt32(4 * i, le);
    case 'u8': return (i) => Number(dv.getBigUint64(8 * i, le));
    case 'i8': return (i) => Number(dv.getBigInt64(8 * i, le));
    case 'f4': return (i) => dv.getFloat32(4 * i, le);
    case 'f8': return (i) => dv.getFloat64(8 * i, le);
    default: throw new DataError(`unsupported dtype '${h.descr}'`);
  }
}

/** The header's length in bytes once `bytes` holds enough of the file to tell, else null. */
export function npyHeaderLength(bytes: Uint8Array): number | null {
  if (bytes.length < 12) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bytes[6] === 1 ? 10 + dv.getUint16(8, true) : 12 + dv.getUint32(8, true);
}
