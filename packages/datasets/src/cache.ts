/**
 * Each machine's dataset cache: a directory of complete, verified TPDS files
 * named <hex>.tpds, with a byte budget and least-recently-used eviction (a
 * file's mtime is its last use). It outlives jobs and restarts. Processes on
 * one machine that need the same dataset fetch it once: the first takes
 * <hex>.lock, the others wait and then read its file.
 *
 *   TENSORPOOL_CACHE_DIR    default ~/.cache/tensorpool/datasets
 *   TENSORPOOL_CACHE_BYTES  default DEFAULTS.datasetDiskCacheBytes (e.g. 10GiB)
 *
 * A dataset larger than the whole budget is still fetched (everything else is
 * evicted first): a job is never refused for the cache's sake.
 */
import { mkdir, readdir, rm, stat, utimes } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DataError, DEFAULTS } from '@tensorpool/core';
import type { DatasetSplits } from '@tensorpool/data';
import { fetchToFile, type RefetchHook } from './fetch.js';
import { withLock } from './lock.js';
import { idHex, type Manifest } from './manifest.js';
import { readDatasetFile } from './read.js';
import type { DatasetStore } from './store.js';
import { parseBytes } from './units.js';
import { selectSplits, type SelectOptions } from './select.js';

export interface DatasetCacheOptions {
  dir?: string;
  budgetBytes?: number;
  env?: Record<string, string | undefined>;
  /** Called (and awaited) before a chunk that failed its hash check is fetched again: for logs. */
  onRefetch?: RefetchHook;
  /** Called once when another process of this machine is fetching the same dataset and this one waits. */
  onWait?: (id: string) => void;
  /** Test hook (off by default): awaited while holding the fetch lock, before the first chunk. */
  beforeFetch?: (id: string) => Promise<void>;
}

export interface CacheEntry {
  id: string;
  bytes: number;
  lastUsed: Date;
}

export interface OpenedDataset {
  splits: DatasetSplits;
  manifest: Manifest;
  /** True when this call downloaded it (a cold cache), false when it was cached. */
  fetched: boolean;
  chunksFetched: number;
  chunksRefetched: number;
}

export class DatasetCache {
  readonly dir: string;
  readonly budget: number;
  private readonly hooks: Pick<DatasetCacheOptions, 'onRefetch' | 'onWait' | 'beforeFetch'>;
  constructor(readonly store: DatasetStore, opts: DatasetCacheOptions = {}) {
    this.hooks = { onRefetch: opts.onRefetch, onWait: opts.onWait, beforeFetch: opts.beforeFetch };
    const env = opts.env ?? process.env;
    this.dir = opts.dir ?? env.TENSORPOOL_CACHE_DIR ?? join(homedir(), '.cache', 'tensorpool', 'datasets');
    const budgetText = env.TENSORPOOL_CACHE_BYTES;
    this.budget = opts.budgetBytes ?? (budgetText ? parseBytes(budgetText, 'TENSORPOOL_CACHE_BYTES') : DEFAULTS.datasetDiskCacheBytes);
    if (!Number.isSafeInteger(this.budget) || this.budget < 0) throw new DataError(`dataset cache budget must be a non-negative integer of bytes, got ${this.budget}`);
  }

  private file(id: string): string {
    return join(this.dir, `${idHex(id)}.tpds`);
  }

  /** Where a dataset's verified file lives in this cache (present or not). */
  pathOf(id: string): string {
    return this.file(id);
  }

  /** Cached datasets, least recently used first. */
  async entries(): Promise<CacheEntry[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: CacheEntry[] = [];
    for (const n of names) {
      const m = /^([0-9a-f]{64})\.tpds$/.exec(n);
      const st = m ? await stat(join(this.dir, n)).catch(() => null) : null;
      if (m && st) out.push({ id: `sha256:${m[1]}`, bytes: st.size, lastUsed: st.mtime });
    }
    return out.sort((a, b) => a.lastUsed.getTime() - b.lastUsed.getTime() || a.id.localeCompare(b.id));
  }

  /** Evicts least recently used datasets until `incoming` more bytes fit (never `keep`). */
  private async makeRoom(incoming: number, keep: string): Promise<void> {
    const entries = (await this.entries()).filter((e) => e.id !== keep);
    let total = entries.reduce((s, e) => s + e.bytes, 0);
    for (const e of entries) {
      if (total + incoming <= this.budget) break;
      await rm(this.file(e.id), { force: true });
      total -= e.bytes;
    }
  }

  private async manifest(ref: string): Promise<Manifest> {
    const m = await this.store.getManifest(ref);
    if (!m) throw new DataError(`dataset '${ref}' is not in the dataset store (${this.store.description}); push it with 'tensorpool dataset push'`);
    return m;
  }

  /**
   * Marks a file most recently used: mtime = now, or just after the newest
   * entry, so uses within one millisecond still order strictly.
   */
  private async touch(path: string): Promise<void> {
    const newest = (await this.entries()).at(-1)?.lastUsed.getTime() ?? 0;
    const t = new Date(Math.max(Date.now(), newest + 1));
    await utimes(path, t, t);
  }

  /** Makes sure the dataset's verified file is in the cache; returns its path. */
  private async ensure(m: Manifest): Promise<Omit<OpenedDataset, 'splits' | 'manifest'> & { path: string }> {
    const path = this.file(m.id);
    const cached = { path, fetched: false, chunksFetched: 0, chunksRefetched: 0 };
    if ((await stat(path).catch(() => null))?.size === m.bytes) return cached;
    await mkdir(this.dir, { recursive: true });
    return withLock(`${path}.lock`, async () => {
      if ((await stat(path).catch(() => null))?.size === m.bytes) return cached; // another process fetched it meanwhile
      await this.hooks.beforeFetch?.(m.id);
      await this.makeRoom(m.bytes, m.id);
      const stats = await fetchToFile(this.store, m, path, this.hooks.onRefetch);
      return { path, fetched: true, ...stats };
    }, () => this.hooks.onWait?.(m.id));
  }

  /** The dataset by id or name: from the cache, or fetched into it first. */
  async open(ref: string): Promise<OpenedDataset> {
    const m = await this.manifest(ref);
    for (let attempt = 0; ; attempt++) {
      const e = await this.ensure(m);
      try {
        await this.touch(e.path);
        const splits = await readDatasetFile(e.path, `dataset ${m.id}${m.name ? ` (${m.name})` : ''}`);
        return { splits, manifest: m, fetched: e.fetched, chunksFetched: e.chunksFetched, chunksRefetched: e.chunksRefetched };
      } catch (err) {
        // Evicted by another process between ensure() and the read: fetch it again, once.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 0) throw err;
      }
    }
  }

  /** What the queue's dataset loader needs: the same DatasetSplits loadDataset returns. */
  async get(ref: string): Promise<DatasetSplits> {
    return (await this.open(ref)).splits;
  }

  /** As loadDataset(ref, opts) for a stored dataset: shape checked, classes ordered, limits applied. */
  async load(ref: string, opts: SelectOptions = {}): Promise<DatasetSplits> {
    const { splits, manifest } = await this.open(ref);
    return selectSplits(splits, opts, `dataset ${manifest.id}${manifest.name ? ` (${manifest.name})` : ''}`);
  }
}
