/**
 * Pushing a decoded dataset to a store: serialize canonically, hash (the id
 * and one hash per chunk), upload only the chunks the store lacks, write the
 * manifest last. A push that dies halfway leaves its chunks; the next push of
 * the same data finds them and uploads only the rest. A push refused for the
 * budget leaves nothing of its own behind.
 */
import { DataError, DEFAULTS } from '@tensorpool/core';
import type { DatasetSplits } from '@tensorpool/data';
import { chunked, chunkLength, digest } from './chunks.js';
import { checkName, type Manifest } from './manifest.js';
import { serialize } from './serialize.js';
import { StoreFullError, type DatasetStore } from './store.js';
import { formatBytes } from './units.js';

export interface PushProgress {
  chunksDone: number;
  chunksToUpload: number;
  bytesDone: number;
  bytesToUpload: number;
}

export interface PushOptions {
  name?: string;
  chunkSize?: number;
  /** Called once with chunksDone 0 when uploading starts (after hashing), then after each chunk. */
  onProgress?: (p: PushProgress) => void;
  /**
   * Test hook: called after each uploaded chunk with the number uploaded so
   * far in this push (the CLI SIGKILLs itself there when
   * TENSORPOOL_TEST_PUSH_EXIT_AFTER_CHUNKS is set). Off by default.
   */
  afterChunk?: (uploaded: number) => void | Promise<void>;
}

export interface PushResult {
  dataset: string;
  name: string | null;
  train: number;
  test: number;
  bytes: number;
  chunks: number;
  chunksUploaded: number;
  chunksSkipped: number;
  bytesUploaded: number;
}

async function missingChunks(store: DatasetStore, id: string, n: number): Promise<number[]> {
  const missing: number[] = [];
  for (let i = 0; i < n; i++) if (!(await store.hasChunk(id, i))) missing.push(i);
  return missing;
}

async function checkBudget(store: DatasetStore, id: string, needed: number): Promise<void> {
  const { bytes, budget } = await store.usage();
  if (budget !== null && bytes + needed > budget) {
    throw new StoreFullError(`dataset store is full: pushing ${id} needs ${formatBytes(needed)} more, ${formatBytes(Math.max(0, budget - bytes))} of the ${formatBytes(budget)} budget is free (${store.description}); remove datasets with 'tensorpool dataset rm' or raise TENSORPOOL_DATASET_STORE_BYTES`);
  }
}

export async function pushDataset(store: DatasetStore, d: DatasetSplits, opts: PushOptions = {}): Promise<PushResult> {
  const chunkSize = opts.chunkSize ?? DEFAULTS.datasetChunkBytes;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1024 || chunkSize > 256 * 1024 * 1024) throw new DataError(`chunk size must be 1 KiB..256 MiB, got ${chunkSize}`);
  const name = opts.name === undefined ? undefined : checkName(opts.name);
  const s = serialize(d);
  const { id, chunks } = digest(s.parts(), chunkSize);
  const missing = await missingChunks(store, id, chunks.length);
  const toUpload = new Set(missing);
  const bytesToUpload = missing.reduce((sum, i) => sum + chunkLength(s.bytes, chunkSize, i), 0);
  await checkBudget(store, id, bytesToUpload);
  const written: number[] = [];
  let bytesDone = 0;
  if (missing.length > 0) opts.onProgress?.({ chunksDone: 0, chunksToUpload: missing.length, bytesDone: 0, bytesToUpload });
  try {
    let i = 0;
    for (const chunk of chunked(s.parts(), chunkSize)) {
      if (toUpload.has(i)) {
        await store.putChunk(id, i, chunk);
        written.push(i);
        bytesDone += chunk.length;
        opts.onProgress?.({ chunksDone: written.length, chunksToUpload: missing.length, bytesDone, bytesToUpload });
        await opts.afterChunk?.(written.length);
      }
      i++;
    }
  } catch (e) {
    // Refused (budget, usually a concurrent push) or failed: take back this push's chunks.
    if (written.length > 0 && (await store.getManifest(id)) === null) await store.delete(id).catch(() => undefined);
    throw e;
  }
  const manifest: Manifest = {
    format: 'tpds/1', id, ...(name ? { name } : {}), bytes: s.bytes, chunkSize, chunks,
    shape: s.header.shape as Manifest['shape'], classes: s.header.classes, train: s.header.train, test: s.header.test,
    source: d.source.slice(0, 1000), createdAt: new Date().toISOString(),
  };
  await store.putManifest(manifest);
  return {
    dataset: id, name: name ?? null, train: s.header.train, test: s.header.test, bytes: s.bytes, chunks: chunks.length,
    chunksUploaded: written.length, chunksSkipped: chunks.length - written.length, bytesUploaded: bytesDone,
  };
}
