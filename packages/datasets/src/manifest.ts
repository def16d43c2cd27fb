/**
 * A dataset's manifest: what a fetcher needs to get, check and read it. Written
 * to the store after every chunk is in, so a manifest means "complete".
 * Read back from a store (Redis, a shared directory) it is untrusted: parsed
 * with zod, and its numbers checked against each other.
 */
import { z } from 'zod';
import { DataError } from '@tensorpool/core';
import { chunkCount } from './chunks.js';

export const ID_RE = /^sha256:[0-9a-f]{64}$/;
export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const HEX_RE = /^[0-9a-f]{64}$/;
const MAX_BYTES = 2 ** 45; // 32 TiB: far above anything a worker can hold, below 2^53
const MAX_CHUNK = 256 * 1024 * 1024;

export const ManifestSchema = z.object({
  format: z.literal('tpds/1'),
  id: z.string().regex(ID_RE),
  name: z.string().regex(NAME_RE).optional(),
  bytes: z.number().int().positive().max(MAX_BYTES),
  chunkSize: z.number().int().min(1024).max(MAX_CHUNK),
  chunks: z.array(z.string().regex(HEX_RE)).max(MAX_BYTES / 1024),
  shape: z.tuple([z.number().int().min(1).max(16384), z.number().int().min(1).max(16384), z.union([z.literal(1), z.literal(3)])]),
  classes: z.array(z.string().min(1).max(200)).min(1).max(256),
  train: z.number().int().min(0),
  test: z.number().int().min(0),
  source: z.string().max(1000),
  createdAt: z.string().max(40),
}).strict();

export type Manifest = z.infer<typeof ManifestSchema>;

/** Parses a manifest read from a store; a DataError naming the bad field otherwise. */
export function parseManifest(text: string, where: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new DataError(`dataset manifest at ${where} is not JSON`);
  }
  const r = ManifestSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new DataError(`dataset manifest at ${where} is invalid: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const m = r.data;
  if (m.chunks.length !== chunkCount(m.bytes, m.chunkSize)) {
    throw new DataError(`dataset manifest at ${where} is invalid: ${m.chunks.length} chunks for ${m.bytes} bytes in chunks of ${m.chunkSize}`);
  }
  return m;
}

/** The hex part of a dataset id, after checking it (ids become keys and file names). */
export function idHex(id: string): string {
  if (!ID_RE.test(id)) throw new DataError(`'${id}' is not a dataset id (expected sha256:<64 hex digits>)`);
  return id.slice(7);
}

export function checkName(name: string): string {
  if (!NAME_RE.test(name)) throw new DataError(`dataset name '${name}' must be 1..64 letters, digits, '_', '.', '-', starting with a letter or digit`);
  return name;
}
