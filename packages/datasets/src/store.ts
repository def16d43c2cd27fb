/**
 * The storage interface every backend implements (redis-store.ts,
 * file-store.ts; an S3-compatible store would be one more file). Chunks are
 * addressed by (dataset id, index); the manifest is written last and marks
 * the dataset complete. Backends store bytes; checking hashes is the caller's job.
 */
import { DataError } from '@tensorpool/core';
import type { Manifest } from './manifest.js';

export interface StoreUsage {
  /** Bytes of chunks held (complete and partly pushed datasets). */
  bytes: number;
  /** Most bytes the store accepts, or null when unbounded. */
  budget: number | null;
}

export interface DatasetStore {
  /** For messages: "redis prefix tensorpool", "file:///mnt/datasets". */
  readonly description: string;
  hasChunk(id: string, index: number): Promise<boolean>;
  /** Stores a chunk; a DataError (nothing written) when the budget would be exceeded. Idempotent. */
  putChunk(id: string, index: number, bytes: Uint8Array): Promise<void>;
  /** The chunk's bytes, or null when absent. */
  getChunk(id: string, index: number): Promise<Uint8Array | null>;
  /** Marks a dataset complete (and points its name at it). */
  putManifest(m: Manifest): Promise<void>;
  /** A complete dataset by id or name, or null. */
  getManifest(ref: string): Promise<Manifest | null>;
  /** Every complete dataset, oldest first. */
  list(): Promise<Manifest[]>;
  /** Removes a dataset's chunks (also a partial push's), manifest and names; false if nothing was there. */
  delete(id: string): Promise<boolean>;
  usage(): Promise<StoreUsage>;
  close(): Promise<void>;
}

/** A push refused because the store's byte budget would be exceeded (HTTP 507). */
export class StoreFullError extends DataError {}
