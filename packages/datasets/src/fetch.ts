/**
 * Fetching a dataset from a store into one local file, checking every chunk
 * against the manifest (a mismatch is fetched once more, then fails naming the
 * dataset and chunk) and the whole stream against the id.
 */
import { createHash } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { DataError } from '@tensorpool/core';
import { chunkLength, sha256Hex } from './chunks.js';
import type { Manifest } from './manifest.js';
import type { DatasetStore } from './store.js';

export interface FetchStats {
  chunksFetched: number;
  /** Chunks whose first copy failed the hash check and were fetched again. */
  chunksRefetched: number;
}

/** Told which chunk failed its hash check, before it is fetched again. */
export type RefetchHook = (info: { dataset: string; chunk: number; chunks: number }) => void | Promise<void>;

async function verifiedChunk(store: DatasetStore, m: Manifest, i: number, stats: FetchStats, onRefetch?: RefetchHook): Promise<Uint8Array> {
  const what = `dataset ${m.id} chunk ${i} of ${m.chunks.length}`;
  const want = chunkLength(m.bytes, m.chunkSize, i);
  for (let attempt = 1; attempt <= 2; attempt++) {
    const c = await store.getChunk(m.id, i);
    stats.chunksFetched++;
    if (c === null) throw new DataError(`${what} is missing from the store (${store.description}); push the dataset again`);
    if (c.length === want && sha256Hex(c) === m.chunks[i]) return c;
    if (attempt === 1) {
      stats.chunksRefetched++;
      await onRefetch?.({ dataset: m.id, chunk: i, chunks: m.chunks.length });
    }
  }
  throw new DataError(`${what} is corrupt in the store (${store.description}): its SHA-256 does not match the manifest after 2 fetches; remove it with 'tensorpool dataset rm ${m.id}' and push it again`);
}

/** Writes the dataset to `path` (via `path`.part, renamed when complete and verified). */
export async function fetchToFile(store: DatasetStore, m: Manifest, path: string, onRefetch?: RefetchHook): Promise<FetchStats> {
  const stats: FetchStats = { chunksFetched: 0, chunksRefetched: 0 };
  const part = `${path}.part`;
  const fh = await open(part, 'w');
  const whole = createHash('sha256');
  try {
    let offset = 0;
    for (let i = 0; i < m.chunks.length; i++) {
      const c = await verifiedChunk(store, m, i, stats, onRefetch);
      whole.update(c);
      await fh.write(c, 0, c.length, offset);
      offset += c.length;
    }
    await fh.close();
    const got = `sha256:${whole.digest('hex')}`;
    if (got !== m.id) throw new DataError(`dataset ${m.id}: its chunks hash to ${got}; the manifest in ${store.description} is inconsistent, remove and push it again`);
    await rename(part, path);
    return stats;
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(part, { force: true });
    throw e;
  }
}
