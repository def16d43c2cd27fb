/**
 * Cutting a stream of parts into fixed-size chunks, and hashing them: every
 * chunk but the last is exactly `chunkSize` bytes, so chunk i covers bytes
 * [i * chunkSize, min((i + 1) * chunkSize, total)).
 */
import { createHash } from 'node:crypto';

export const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Yields fresh chunk buffers (the consumer may keep them). */
export function* chunked(parts: Iterable<Uint8Array>, chunkSize: number): Generator<Uint8Array> {
  let buf = new Uint8Array(chunkSize);
  let fill = 0;
  for (let part of parts) {
    while (part.length > 0) {
      const take = Math.min(part.length, chunkSize - fill);
      buf.set(part.subarray(0, take), fill);
      fill += take;
      part = part.subarray(take);
      if (fill === chunkSize) {
        yield buf;
        buf = new Uint8Array(chunkSize);
        fill = 0;
      }
    }
  }
  if (fill > 0) yield buf.subarray(0, fill);
}

export function chunkCount(bytes: number, chunkSize: number): number {
  return Math.ceil(bytes / chunkSize);
}

/** Length of chunk `index` of a `bytes`-long stream. */
export function chunkLength(bytes: number, chunkSize: number, index: number): number {
  return Math.max(0, Math.min(chunkSize, bytes - index * chunkSize));
}

/** One pass over the stream: the dataset id (SHA-256 of everything) and each chunk's SHA-256. */
export function digest(parts: Iterable<Uint8Array>, chunkSize: number): { id: string; chunks: string[] } {
  const whole = createHash('sha256');
  const chunks: string[] = [];
  for (const c of chunked(parts, chunkSize)) {
    whole.update(c);
    chunks.push(sha256Hex(c));
  }
  return { id: `sha256:${whole.digest('hex')}`, chunks };
}
