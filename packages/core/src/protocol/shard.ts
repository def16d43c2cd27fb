/**
 * Coordinator <-> worker protocol for distributed training (BullMQ/Redis).
 *
 * Job data (small JSON) carries only references: the training job id, the
 * epoch and the shard number. Weight vectors never travel inside job data;
 * they live in Redis as binary blobs in the format below.
 */
import { endianness } from 'node:os';
import { JobError } from '../errors.js';

const LE = endianness() === 'LE';

/** Data of a shard job (a child of the round's epoch-queue job). */
export interface ShardJobData {
  jobId: string;
  epoch: number;
  shard: number;
  shards: number;
  /** Round within the epoch, 0..syncEvery-1 (absent = 0): the shard trains chunk `round` of its epoch. */
  round?: number;
}

/** Data of a round's parent job in the `epochs` queue (the parent of S shard jobs). */
export interface EpochJobData {
  jobId: string;
  epoch: number;
  /** Absent = 0 (one round per epoch). */
  round?: number;
}

/** What a worker reports next to its weight blob for one (job, epoch, shard). */
export interface ShardResultMeta {
  samples: number;
  /** Mean training loss / accuracy over the shard's samples. */
  loss: number;
  accuracy: number;
  seconds: number;
  /** Adam step count after this shard's local epoch. */
  adamStep: number;
  worker: string;
}

/**
 * Weight blob: 16-byte header + `count` little-endian float32 values.
 *   bytes 0..3   magic "TPW1"
 *   bytes 4..7   uint32 LE format version (1)
 *   bytes 8..11  uint32 LE count (number of float32 values)
 *   bytes 12..15 uint32 LE reserved (0)
 */
export const BLOB_MAGIC = 'TPW1';
export const BLOB_VERSION = 1;
export const BLOB_HEADER_BYTES = 16;

export function encodeWeights(values: Float32Array): Buffer {
  const out = Buffer.allocUnsafe(BLOB_HEADER_BYTES + values.length * 4);
  out.write(BLOB_MAGIC, 0, 'latin1');
  out.writeUInt32LE(BLOB_VERSION, 4);
  out.writeUInt32LE(values.length, 8);
  out.writeUInt32LE(0, 12);
  if (LE) out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), BLOB_HEADER_BYTES);
  else for (let i = 0; i < values.length; i++) out.writeFloatLE(values[i], BLOB_HEADER_BYTES + i * 4);
  return out;
}

export interface DecodeOptions {
  /** Expected number of values; a different count is rejected. */
  expected?: number;
  /** Reject NaN/Inf values (default true). */
  finite?: boolean;
  /** Names the blob in error messages, e.g. "shard 1 of epoch 0". */
  what?: string;
}

/** Parses and validates a weight blob; throws JobError naming what is wrong. */
export function decodeWeights(buf: Buffer | Uint8Array | null | undefined, opts: DecodeOptions = {}): Float32Array {
  const what = opts.what ?? 'weight blob';
  if (!buf) throw new JobError(`${what} is missing`);
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < BLOB_HEADER_BYTES || b.toString('latin1', 0, 4) !== BLOB_MAGIC) {
    throw new JobError(`${what} is not a tensorpool weight blob (bad header)`);
  }
  const version = b.readUInt32LE(4);
  if (version !== BLOB_VERSION) throw new JobError(`${what} has format version ${version}, expected ${BLOB_VERSION}`);
  const count = b.readUInt32LE(8);
  if (b.length !== BLOB_HEADER_BYTES + count * 4) {
    throw new JobError(`${what} is truncated: header says ${count} values, body has ${(b.length - BLOB_HEADER_BYTES) / 4}`);
  }
  if (opts.expected !== undefined && count !== opts.expected) {
    throw new JobError(`${what} has ${count} values, expected ${opts.expected}`);
  }
  // Copy into an aligned buffer; Redis buffers are not 4-byte aligned.
  const out = new Float32Array(count);
  if (LE) new Uint8Array(out.buffer).set(b.subarray(BLOB_HEADER_BYTES));
  else for (let i = 0; i < count; i++) out[i] = b.readFloatLE(BLOB_HEADER_BYTES + i * 4);
  if (opts.finite !== false) {
    for (let i = 0; i < count; i++) {
      if (!Number.isFinite(out[i])) throw new JobError(`${what} contains ${out[i]} at index ${i}: rejected`);
    }
  }
  return out;
}
