import { UsageError } from '@tensorpool/core';

/** Byte counts for people: 1536 -> "1.5 KiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** Parses "4GiB", "500MB", "1048576" into bytes (binary units for both spellings). */
export function parseBytes(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(text);
  const mult = m ? 1024 ** ' kmgt'.indexOf((m[2] || ' ').toLowerCase()) : NaN;
  const v = m ? Math.floor(Number(m[1]) * mult) : NaN;
  if (!Number.isSafeInteger(v) || v < 0) throw new UsageError(`${what} must be a byte count like 512MiB or 4GiB, got '${text}'`);
  return v;
}
