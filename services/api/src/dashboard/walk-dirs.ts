/**
 * One bounded directory walk for the dashboard's scans of a root (runs in
 * logdir-source.ts, models in model-scan.ts): depth-first, at most `maxDepth`
 * levels below `root`, stops descending once `full()` says so. readdir with
 * Dirent types: symlinks are neither files nor directories here, so a link
 * never leads the walk out of the root. Unreadable directories are skipped.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function walkDirs(root: string, maxDepth: number, full: () => boolean, visit: (dir: string, entries: Dirent[]) => void): Promise<void> {
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    visit(dir, entries);
    if (depth >= maxDepth) return;
    for (const e of entries) if (e.isDirectory() && !full()) await walk(join(dir, e.name), depth + 1);
  };
  await walk(root, 0);
}
