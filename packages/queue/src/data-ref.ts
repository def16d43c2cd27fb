/**
 * What a job's `data` may name, and the one place a reference becomes a
 * dataset. Three forms:
 *
 *   fashion-mnist              a named built-in dataset (NAMED_DATASETS)
 *   sha256:<64 hex>            a dataset-store id (the store plugs in here: resolveDataRef)
 *   creatures, /srv/data/x.npz a path INSIDE the data root (TENSORPOOL_DATA_ROOT);
 *                              relative paths are relative to the root. No root
 *                              configured (the default): no paths at all.
 *
 * Every process that opens a path (the enqueueing client, each worker, the
 * coordinator's evaluator) checks it again with realpath against its own
 * root, so a symlink that leads out of the root is refused wherever it is
 * opened. A refused path gets the same message whether it exists or not.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { JobError } from '@tensorpool/core';
import { loadDataset, type DatasetSplits, type LoadOptions } from '@tensorpool/data';

export const NAMED_DATASETS: readonly string[] = ['fashion-mnist'];
export const DATASET_ID_RE = /^sha256:[0-9a-f]{64}$/;

export type DataRef = { kind: 'named'; name: string } | { kind: 'store'; id: string } | { kind: 'path'; path: string };

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The form of a reference (no file system access). */
export function classifyDataRef(ref: string): DataRef {
  if (NAMED_DATASETS.includes(ref)) return { kind: 'named', name: ref };
  if (ref.startsWith('sha256:')) {
    if (!DATASET_ID_RE.test(ref)) throw new JobError('data: a dataset id must be sha256: followed by 64 lowercase hex digits');
    return { kind: 'store', id: ref };
  }
  if (CONTROL.test(ref)) throw new JobError('data: must not contain control characters');
  return { kind: 'path', path: ref };
}

/** The data root of this process: the option, else TENSORPOOL_DATA_ROOT, else none. */
export function dataRoot(option?: string): string | undefined {
  return option ?? (process.env.TENSORPOOL_DATA_ROOT || undefined);
}

const NO_ROOT = `data: paths are not accepted (no data root configured): use a dataset name (${NAMED_DATASETS.join(', ')}) or a dataset id (sha256:<64 hex>)`;
const REFUSED = `data: not a dataset name (${NAMED_DATASETS.join(', ')}), a dataset id (sha256:<64 hex>) or a readable path inside the data root`;

/** True when `child` (a real path) is `root` or below it. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The real path of `ref` resolved against `root`, when it exists and lies
 * inside the root's real path after every symlink; JobError otherwise (one
 * message for "missing" and "outside").
 */
export async function confineDataPath(ref: string, root: string | undefined): Promise<string> {
  if (!root) throw new JobError(NO_ROOT);
  try {
    const realRoot = await realpath(root);
    const real = await realpath(resolve(realRoot, ref));
    if (isInside(realRoot, real)) return real;
  } catch {
    // missing, unreadable, loop: the same answer as outside
  }
  throw new JobError(REFUSED);
}

/** Where a reference's data comes from: a cache key and how to load it. */
export interface LocatedData {
  /** Identifies the bytes: the name, the store id or the real path. */
  key: string;
  load(opts: LoadOptions): Promise<DatasetSplits>;
}

/**
 * The single place a `data` reference is resolved (client check, worker,
 * evaluator). Named datasets and confined paths load from disk; store ids
 * wait for the dataset store.
 */
export async function locateDataRef(ref: string, root: string | undefined): Promise<LocatedData> {
  const r = classifyDataRef(ref);
  if (r.kind === 'named') return { key: `name:${r.name}`, load: (opts) => loadDataset(r.name, opts) };
  if (r.kind === 'store') throw new JobError('data: dataset store not available');
  const real = await confineDataPath(r.path, root);
  return { key: `path:${real}`, load: (opts) => loadDataset(real, { ...opts, noSymlinks: true }) };
}

/** Checks a reference at enqueue time without loading it (store ids: format only, resolved when the job runs). */
export async function checkDataRef(ref: string, root: string | undefined): Promise<void> {
  const r = classifyDataRef(ref);
  if (r.kind === 'path') await confineDataPath(r.path, root);
}

/** Loads the dataset a reference names (see locateDataRef). */
export async function resolveDataRef(ref: string, root: string | undefined, opts: LoadOptions = {}): Promise<DatasetSplits> {
  return (await locateDataRef(ref, root)).load(opts);
}
