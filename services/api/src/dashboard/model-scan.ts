/**
 * Saved models under a root (the models dir of `serve`, the log dir of
 * `tensorpool dashboard`): every directory up to MAX_DEPTH deep holding a
 * model.json, symlinks not followed. A model's id is its path relative to
 * the root with '/' as '~' (other characters outside [A-Za-z0-9._-] as '_');
 * ids are looked up in a fresh scan, never joined into a path, so no id
 * names a file outside the root.
 */
import { realpath } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { walkDirs } from './walk-dirs.js';

const MODEL_FILE = 'model.json';
const MAX_DEPTH = 4;
const MAX_MODELS = 1000;

export interface ModelEntry { id: string; dir: string; samples: boolean }

export async function scanModels(root: string): Promise<Map<string, ModelEntry>> {
  const out = new Map<string, ModelEntry>();
  await walkDirs(root, MAX_DEPTH, () => out.size >= MAX_MODELS, (dir, entries) => {
    if (entries.some((e) => e.isFile() && e.name === MODEL_FILE)) {
      const id = idOf(root, dir);
      out.set(id, { id, dir, samples: entries.some((e) => e.isFile() && e.name === 'samples.json') });
    }
  });
  return out;
}

function idOf(root: string, dir: string): string {
  return (relative(root, dir) || '.').split(sep).map((p) => p.replace(/[^A-Za-z0-9._-]/g, '_')).join('~');
}

/** The model (from a fresh scan) at `dir`, a path from an untrusted source (an event): null unless it is one of the root's models. */
export async function modelAt(root: string, dir: string): Promise<ModelEntry | null> {
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(dir), realpath(root)]);
  } catch {
    return null;
  }
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return null;
  const found = (await scanModels(root)).get(idOf(realRoot, real));
  return found && (await realpath(found.dir).catch(() => '')) === real ? found : null;
}
