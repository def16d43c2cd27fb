/**
 * Extracting an uploaded tar (ustar / GNU / pax as `tar cf` writes them) of an
 * image folder into a directory, treating the archive as hostile: only regular
 * files are written, every path is resolved inside `dest` (no absolute paths,
 * no '..', no links), and the number of files is bounded. Long names from pax
 * or GNU 'L' records are honoured; other extended records are skipped.
 */
import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { DataError } from '@tensorpool/core';

const BLOCK = 512;

function field(h: Buffer, off: number, len: number): string {
  const s = h.toString('utf8', off, off + len);
  const nul = s.indexOf('\0');
  return nul >= 0 ? s.slice(0, nul) : s;
}

function octal(h: Buffer, off: number, len: number, what: string): number {
  const text = field(h, off, len).trim();
  if (!/^[0-7]*$/.test(text)) throw new DataError(`tar ${what}: bad size field '${text.slice(0, 12)}'`);
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  const stored = field(h, 148, 8).trim();
  return /^[0-7]+$/.test(stored) && sum === parseInt(stored, 8);
}

/** `name` as a relative path inside dest, or null for one that would leave it. */
function confined(dest: string, name: string): string | null {
  const n = normalize(name.replace(/^\.\/+/, ''));
  if (n === '.' || n.startsWith('/') || n === '..' || n.startsWith(`..${sep}`) || n.includes('\0')) return null;
  return join(dest, n);
}

function paxPath(body: Buffer): string | undefined {
  for (const rec of body.toString('utf8').split('\n')) {
    const m = /^\d+ path=(.*)$/.exec(rec);
    if (m) return m[1];
  }
  return undefined;
}

/** Extracts the tar at `file` into `dest`; returns the number of files written. */
export async function extractTar(file: string, dest: string, maxFiles = 1_000_000): Promise<number> {
  const fh = await open(file, 'r');
  const size = (await fh.stat()).size;
  const read = async (pos: number, len: number): Promise<Buffer> => {
    const b = Buffer.alloc(len);
    const { bytesRead } = await fh.read(b, 0, len, pos);
    if (bytesRead !== len) throw new DataError(`tar ends inside an entry at byte ${pos}`);
    return b;
  };
  let files = 0;
  let longName: string | undefined;
  try {
    for (let pos = 0; pos + BLOCK <= size;) {
      const h = await read(pos, BLOCK);
      if (h.every((b) => b === 0)) break; // end-of-archive blocks
      if (!checksumOk(h)) throw new DataError(`not a tar file (bad header checksum at byte ${pos})`);
      const len = octal(h, 124, 12, 'entry');
      const type = String.fromCharCode(h[156] || 48);
      const prefix = field(h, 345, 155);
      const name = longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
      const body = pos + BLOCK;
      pos = body + Math.ceil(len / BLOCK) * BLOCK;
      if (type === 'L' || type === 'x') {
        const data = await read(body, len);
        longName = type === 'L' ? field(data, 0, len) : paxPath(data);
        continue;
      }
      longName = undefined;
      if (type !== '0' && type !== '7') continue; // directories, links, devices: not written
      const path = confined(dest, name);
      if (!path) throw new DataError(`tar entry '${name.slice(0, 200)}' points outside the upload`);
      if (++files > maxFiles) throw new DataError(`tar has more than ${maxFiles} files`);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, await read(body, len), { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
        throw e.code === 'EEXIST' || e.code === 'EISDIR' ? new DataError(`tar entry '${name.slice(0, 200)}' appears twice`) : e;
      });
    }
  } finally {
    await fh.close();
  }
  return files;
}
