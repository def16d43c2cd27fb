/**
 * The files of a run's saved model that the dashboard offers for download
 * (model.json + its weight files, model.h5, model.keras, metrics.json,
 * events.jsonl), confined to the source's root (the models dir for `serve`,
 * the log directory for `tensorpool dashboard`): the run directory's real
 * path must lie inside the root's real path, names are matched against a
 * fixed pattern (no separators, no dot files), and a file is only served when
 * its own real path is that directory + its name (a symlink is refused).
 */
import { lstat, readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { isInside } from '@tensorpool/queue';

export const MODEL_FILE = /^(model\.(json|h5|keras)|metrics\.json|events\.jsonl|[A-Za-z0-9_-][A-Za-z0-9._-]{0,100}\.bin)$/;

export interface RunFile {
  name: string;
  bytes: number;
}

/** The real path of `dir` when it lies inside the real path of `root`, else null. */
async function confinedDir(dir: string, root: string): Promise<string | null> {
  try {
    const [d, r] = await Promise.all([realpath(dir), realpath(root)]);
    return d !== r && isInside(r, d) ? d : null;
  } catch {
    return null;
  }
}

/** The downloadable files of a run directory (none when it is outside the root or missing). */
export async function listRunFiles(dir: string, root: string): Promise<RunFile[]> {
  const real = await confinedDir(dir, root);
  if (!real) return [];
  const out: RunFile[] = [];
  for (const e of await readdir(real, { withFileTypes: true }).catch(() => [])) {
    if (!e.isFile() || !MODEL_FILE.test(e.name)) continue;
    const st = await lstat(join(real, e.name)).catch(() => undefined);
    if (st?.isFile()) out.push({ name: e.name, bytes: st.size });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The path of one downloadable file, or null (bad name, outside the root, a symlink, missing). */
export async function runFilePath(dir: string, root: string, name: string): Promise<string | null> {
  if (!MODEL_FILE.test(name)) return null;
  const real = await confinedDir(dir, root);
  if (!real) return null;
  const path = join(real, name);
  try {
    const st = await lstat(path);
    return st.isFile() && (await realpath(path)) === path ? path : null;
  } catch {
    return null;
  }
}
