/** Atomic directory and file writes: write beside, then rename over. */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { tempSibling } from '@tensorpool/core';

/** Writes `files` (name -> bytes or text) into `dir`, replacing any previous dir in one rename. */
export async function writeDirAtomic(dir: string, files: Record<string, Uint8Array | string>): Promise<void> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tmp = tempSibling(join(parent, `.${basename(dir)}`));
  const old = `${tmp}.old`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  for (const [name, data] of Object.entries(files)) await writeFile(join(tmp, name), data);
  // rename() cannot replace a non-empty directory: move the old one aside first.
  let hadOld = true;
  try {
    await rename(dir, old);
  } catch {
    hadOld = false;
  }
  await rename(tmp, dir);
  if (hadOld) await rm(old, { recursive: true, force: true });
}

export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = tempSibling(file);
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/** Bytes of a Float32Array (little-endian on every platform Node runs on). */
export function f32Bytes(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
