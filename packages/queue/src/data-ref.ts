/**
 * What a job's `data` may name, and the one place a reference becomes a
 * dataset. Four forms, tried in this order:
 *
 *   fashion-mnist              a named built-in dataset (NAMED_DATASETS)
 *   sha256:<64 hex>            a dataset-store id (packages/datasets), loaded
 *                              through this process's dataset cache
 *   creatures, /srv/data/x.npz a path INSIDE the data root (TENSORPOOL_DATA_ROOT)
 *                              that exists there; relative paths are relative to
 *                              the root. No root configured (the default): no paths.
 *   creatures                  otherwise, a dataset NAME in the store (1..64 of
 *                              letters, digits, '_', '.', '-'; so './x' or 'a/b'
 *                              is never a name). Enqueue pins a name to the id it
 *                              points at then (pinDataRef), so a job keeps the same
 *                              bytes when the name is pushed again meanwhile.
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
import { NAME_RE, type DatasetCache, type DatasetStore, type Manifest } from '@tensorpool/datasets';

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

const NO_ROOT = `data: paths are not accepted (no data root configured): use a dataset name (${NAMED_DATASETS.join(', ')} or one pushed with 'tensorpool dataset push') or a dataset id (sha256:<64 hex>)`;
const REFUSED = `data: not a dataset name (${NAMED_DATASETS.join(', ')} or one in the dataset store), a dataset id (sha256:<64 hex>) or a readable path inside the data root`;

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

const NO_STORE = 'data: dataset store not available';
const notInStore = (id: string) => `data: dataset ${id} is not in the dataset store (push it with 'tensorpool dataset push')`;

/** The manifest of a store id, or JobError naming `data` (the message says nothing but that the id is unknown). */
async function storeManifest(id: string, store: DatasetStore | undefined): Promise<Manifest> {
  if (!store) throw new JobError(NO_STORE);
  const m = await store.getManifest(id);
  if (!m) throw new JobError(notInStore(id));
  return m;
}

/**
 * A path-like reference: the confined path when it exists inside the root,
 * else the store's dataset of that name, else one refusal for every case
 * (missing, outside the root, unknown name).
 */
async function pathOrName(ref: string, root: string | undefined, store: DatasetStore | undefined): Promise<{ path: string } | { manifest: Manifest }> {
  let refusal: JobError;
  try {
    return { path: await confineDataPath(ref, root) };
  } catch (e) {
    if (!(e instanceof JobError)) throw e;
    refusal = e;
  }
  if (store && NAME_RE.test(ref)) {
    const m = await store.getManifest(ref);
    if (m) return { manifest: m };
    throw new JobError(REFUSED);
  }
  throw refusal;
}

/**
 * The single place a `data` reference is resolved (client check, worker,
 * evaluator). Named datasets and confined paths load from disk; store ids
 * and names load through `cache` (this process's dataset cache, which
 * fetches from the store on first use and verifies every chunk).
 */
export async function locateDataRef(ref: string, root: string | undefined, cache?: DatasetCache): Promise<LocatedData> {
  const r = classifyDataRef(ref);
  if (r.kind === 'named') return { key: `name:${r.name}`, load: (opts) => loadDataset(r.name, opts) };
  const fromStore = (id: string): LocatedData => ({
    key: `store:${id}`,
    load: (opts) => cache!.load(id, { shape: opts.shape, classes: opts.classes, limit: opts.limit, testLimit: opts.testLimit }),
  });
  if (r.kind === 'store') {
    if (!cache) throw new JobError(NO_STORE);
    return fromStore(r.id);
  }
  const where = await pathOrName(r.path, root, cache?.store);
  if ('manifest' in where) return fromStore(where.manifest.id);
  const real = where.path;
  return { key: `path:${real}`, load: (opts) => loadDataset(real, { ...opts, noSymlinks: true }) };
}

/**
 * Checks a reference at enqueue time without loading it and returns what the
 * job records: the reference itself, or for a store name the id it points at
 * now (pinned). Store ids and names must be in `store`; `manifest` is given
 * for store datasets so the caller can check shape and classes.
 */
export async function pinDataRef(ref: string, root: string | undefined, store?: DatasetStore): Promise<{ data: string; manifest?: Manifest }> {
  const r = classifyDataRef(ref);
  if (r.kind === 'named') return { data: ref };
  if (r.kind === 'store') return { data: r.id, manifest: await storeManifest(r.id, store) };
  const where = await pathOrName(r.path, root, store);
  return 'manifest' in where ? { data: where.manifest.id, manifest: where.manifest } : { data: ref };
}

/** Checks a reference at enqueue time without loading it (see pinDataRef). */
export async function checkDataRef(ref: string, root: string | undefined, store?: DatasetStore): Promise<void> {
  await pinDataRef(ref, root, store);
}

/** Loads the dataset a reference names (see locateDataRef). */
export async function resolveDataRef(ref: string, root: string | undefined, opts: LoadOptions = {}, cache?: DatasetCache): Promise<DatasetSplits> {
  return (await locateDataRef(ref, root, cache)).load(opts);
}
