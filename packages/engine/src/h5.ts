import { open } from 'node:fs/promises';
import { DataError } from '@tensorpool/core';

/**
 * The few HDF5 operations the Keras formats need, over h5wasm (the HDF5 C
 * library compiled to wasm; its node build reads and writes host paths).
 * h5wasm is ESM-only and ~4 MB of wasm: imported on first use.
 *
 * Strings are written as FIXED-length ASCII byte strings (C_S1, NULLTERM,
 * size = bytes + 1), which h5py reads as numpy.bytes_: older Keras calls
 * `.decode()` on these attributes and fails on variable-length str. Non-ASCII
 * text goes in as JSON \u escapes, as Python's json.dumps writes it.
 */
type H5 = typeof import('h5wasm/node');
export type H5File = InstanceType<H5['File']>;
export type H5Group = InstanceType<H5['Group']>;
export type H5Dataset = InstanceType<H5['Dataset']>;

let loading: Promise<H5> | undefined;

export function h5wasm(): Promise<H5> {
  loading ??= (async () => {
    const h5 = await import('h5wasm/node');
    const Module = await h5.ready;
    // HDF5 prints its error stack to stderr by default; make every error a JS exception instead.
    Module.activate_throwing_error_handler();
    return h5;
  })();
  return loading;
}

/** JSON with every non-ASCII character escaped (Python's json.dumps default), so it fits an ASCII string. */
export function asciiJSON(x: unknown): string {
  return JSON.stringify(x).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function checkAscii(s: string, what: string): void {
  if (/[^\x00-\x7e]/.test(s)) throw new DataError(`${what} must be ASCII, got '${s}'`);
}

/** A scalar fixed-length ASCII string attribute. */
export function setStringAttr(obj: H5Group, name: string, value: string): void {
  checkAscii(value, `attribute ${name}`);
  obj.create_attribute(name, value, null, `A${value.length + 1}`);
}

/** A 1-d fixed-length ASCII string attribute; an empty list is written as h5py writes `[]` (float64, shape [0]). */
export function setStringListAttr(obj: H5Group, name: string, values: string[]): void {
  if (values.length === 0) {
    obj.create_attribute(name, new Float64Array(0), [0], '<d');
    return;
  }
  values.forEach((v) => checkAscii(v, `attribute ${name}`));
  const size = Math.max(...values.map((v) => v.length)) + 1;
  obj.create_attribute(name, values, [values.length], `A${size}`);
}

/** A string attribute (fixed or variable length), or undefined when absent or not a string. */
export function getStringAttr(obj: H5Group, name: string): string | undefined {
  if (!obj.attrs || !(name in obj.attrs)) return undefined;
  const v = obj.get_attribute(name, true) as unknown;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  return undefined;
}

/** A list-of-strings attribute (Keras's layer_names, weight_names); [] for an empty or absent one. */
export function getStringListAttr(obj: H5Group, name: string): string[] {
  if (!obj.attrs || !(name in obj.attrs)) return [];
  const v = obj.get_attribute(name, true) as unknown;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map(String);
  if (ArrayBuffer.isView(v) && (v as unknown as { length: number }).length === 0) return [];
  throw new DataError(`attribute ${name} is not a list of strings`);
}

/** Creates `path` (a/b/c) under `root`, every parent explicitly: h5wasm does not create intermediate groups. */
export function makeGroups(root: H5Group, path: string): H5Group {
  let g = root;
  for (const part of path.split('/').filter(Boolean)) {
    const next = g.get(part);
    g = next && (next as { type?: string }).type === 'Group' ? (next as H5Group) : g.create_group(part);
  }
  return g;
}

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** True when `file` starts with the HDF5 signature (at 0; HDF5 also allows 512, 1024, ... for user blocks). */
export async function isHdf5(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(8);
    for (let at = 0; at <= 4096; at = at === 0 ? 512 : at * 2) {
      const { bytesRead } = await fh.read(buf, 0, 8, at);
      if (bytesRead < 8) return false;
      if (buf.equals(SIGNATURE)) return true;
    }
    return false;
  } finally {
    await fh.close();
  }
}

/** The last line of HDF5's error stack that says what went wrong ("minor: File has been truncated"). */
export function h5Reason(e: unknown): string {
  const text = String((e as { message?: unknown })?.message ?? e);
  const minor = text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('minor:')).pop();
  if (minor) return minor.slice('minor:'.length).trim();
  return text.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? 'unknown HDF5 error';
}

/** Opens an HDF5 file for reading; a file that is not HDF5, or broken, is one DataError line. */
export async function openForRead(file: string): Promise<H5File> {
  const h5 = await h5wasm();
  if (!(await isHdf5(file))) throw new DataError(`${file} is not an HDF5 file`);
  try {
    return new h5.File(file, 'r');
  } catch (e) {
    throw new DataError(`${file}: cannot read HDF5: ${h5Reason(e)}`, { cause: e });
  }
}
