/**
 * A dataset store in a directory every node mounts (NFS, a k8s ReadWriteMany
 * volume): file://<root>. Layout, all under <root>:
 *   datasets/<hex>/<index>.chunk   chunk bytes
 *   datasets/<hex>/manifest.json   written last (complete)
 *   names/<name>                   the id a name points at
 * Every write goes to a temporary file renamed into place, so readers on
 * other nodes never see a half-written chunk or manifest. Ids and names are
 * checked against strict patterns before they become paths, so nothing
 * resolves outside <root>.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError, tempSibling } from '@tensorpool/core';
import { checkName, ID_RE, idHex, parseManifest, type Manifest } from './manifest.js';
import { StoreFullError, type DatasetStore, type StoreUsage } from './store.js';
import { formatBytes } from './units.js';

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (e) {
    if (isMissing(e)) return null;
    throw new DataError(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = tempSibling(path);
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export class FileDatasetStore implements DatasetStore {
  readonly description: string;
  /** `root` must be absolute; `budgetBytes` is checked per chunk (not atomically across nodes). */
  constructor(readonly root: string, private readonly budgetBytes: number | null = null) {
    if (!root.startsWith('/')) throw new DataError(`file dataset store root must be an absolute path, got '${root}'`);
    this.description = `file://${root}`;
  }

  private dir(id: string): string {
    return join(this.root, 'datasets', idHex(id));
  }

  private chunkPath(id: string, index: number): string {
    if (!Number.isSafeInteger(index) || index < 0) throw new DataError(`chunk index ${index} is not a non-negative integer`);
    return join(this.dir(id), `${index}.chunk`);
  }

  async hasChunk(id: string, index: number): Promise<boolean> {
    return (await stat(this.chunkPath(id, index)).catch(() => null))?.isFile() ?? false;
  }

  async putChunk(id: string, index: number, bytes: Uint8Array): Promise<void> {
    if (await this.hasChunk(id, index)) return;
    if (this.budgetBytes !== null) {
      const { bytes: used } = await this.usage();
      if (used + bytes.length > this.budgetBytes) {
        throw new StoreFullError(`dataset store is full: chunk ${index} of ${id} needs ${formatBytes(bytes.length)}, ${formatBytes(Math.max(0, this.budgetBytes - used))} of the ${formatBytes(this.budgetBytes)} budget is free (${this.description})`);
      }
    }
    await mkdir(this.dir(id), { recursive: true });
    await writeAtomic(this.chunkPath(id, index), bytes);
  }

  async getChunk(id: string, index: number): Promise<Uint8Array | null> {
    return readOrNull(this.chunkPath(id, index));
  }

  async putManifest(m: Manifest): Promise<void> {
    await mkdir(this.dir(m.id), { recursive: true });
    await writeAtomic(join(this.dir(m.id), 'manifest.json'), JSON.stringify(m));
    if (m.name) {
      await mkdir(join(this.root, 'names'), { recursive: true });
      await writeAtomic(join(this.root, 'names', checkName(m.name)), m.id);
    }
  }

  async getManifest(ref: string): Promise<Manifest | null> {
    let id = ref;
    if (!ID_RE.test(ref)) {
      const target = await readOrNull(join(this.root, 'names', checkName(ref)));
      if (!target) return null;
      id = target.toString('utf8').trim();
      if (!ID_RE.test(id)) throw new DataError(`dataset name '${ref}' maps to '${id.slice(0, 80)}', which is not a dataset id (${this.description})`);
    }
    const path = join(this.dir(id), 'manifest.json');
    const text = await readOrNull(path);
    if (!text) return null;
    const m = parseManifest(text.toString('utf8'), path);
    if (m.id !== id) throw new DataError(`dataset manifest at ${path} names ${m.id}`);
    return m;
  }

  async list(): Promise<Manifest[]> {
    const hexes = await readdir(join(this.root, 'datasets')).catch(() => [] as string[]);
    const out: Manifest[] = [];
    for (const hex of hexes) {
      const m = /^[0-9a-f]{64}$/.test(hex) ? await this.getManifest(`sha256:${hex}`) : null;
      if (m) out.push(m);
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async delete(id: string): Promise<boolean> {
    const dir = this.dir(id);
    const found = (await stat(dir).catch(() => null)) !== null;
    const namesDir = join(this.root, 'names');
    for (const name of await readdir(namesDir).catch(() => [] as string[])) {
      if ((await readOrNull(join(namesDir, name)))?.toString('utf8').trim() === id) await rm(join(namesDir, name), { force: true });
    }
    await rm(dir, { recursive: true, force: true });
    return found;
  }

  async usage(): Promise<StoreUsage> {
    let bytes = 0;
    const base = join(this.root, 'datasets');
    for (const hex of await readdir(base).catch(() => [] as string[])) {
      for (const f of await readdir(join(base, hex)).catch(() => [] as string[])) {
        if (f.endsWith('.chunk')) bytes += (await stat(join(base, hex, f)).catch(() => null))?.size ?? 0;
      }
    }
    return { bytes, budget: this.budgetBytes };
  }

  async close(): Promise<void> {}
}
