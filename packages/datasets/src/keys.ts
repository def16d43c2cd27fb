/**
 * Redis keys of the dataset store, under the same prefix as the queue's keys
 * (TENSORPOOL_PREFIX). They live here, not in packages/queue/src/keys.ts,
 * because @tensorpool/datasets sits below the queue in the dependency order;
 * queue's keys.ts may re-export `datasetKeys` so one place lists them all.
 */
import { DEFAULTS, UsageError } from '@tensorpool/core';

export interface DatasetKeys {
  readonly prefix: string;
  /** String: the manifest JSON of a complete dataset. */
  manifest(hex: string): string;
  /** String (binary): chunk `index` of a dataset's serialized stream. */
  chunk(hex: string, index: number): string;
  /** SCAN pattern matching every chunk of a dataset (complete or partly pushed). */
  chunkPattern(hex: string): string;
  /** Sorted set: ids of complete datasets, scored by push time (ms). */
  readonly index: string;
  /** Hash: dataset name -> id. */
  readonly names: string;
  /** Counter: total bytes of every chunk stored (checked against the budget). */
  readonly bytes: string;
}

const PREFIX_RE = /^[A-Za-z0-9_.{}-]+(:[A-Za-z0-9_.{}-]+)*$/;

export function datasetKeys(prefix: string = process.env.TENSORPOOL_PREFIX ?? DEFAULTS.queuePrefix): DatasetKeys {
  if (!PREFIX_RE.test(prefix)) throw new UsageError(`key prefix '${prefix}' must be letters, digits, '_', '.', '-' (':' between parts)`);
  const d = (hex: string) => `${prefix}:dataset:${hex}`;
  return {
    prefix,
    manifest: (hex) => `${d(hex)}:manifest`,
    chunk: (hex, i) => `${d(hex)}:chunk:${i}`,
    chunkPattern: (hex) => `${d(hex)}:chunk:*`,
    index: `${prefix}:datasets`,
    names: `${prefix}:datasets:names`,
    bytes: `${prefix}:datasets:bytes`,
  };
}
