/**
 * Where a job's model is written: `<models dir>/<jobId>`, or, for jobs
 * enqueued by a local CLI caller with `--out`, a directory inside the models
 * dir. HTTP callers cannot choose (client.ts refuses `out` from them).
 *
 * `out` travels as a path relative to the models dir, so the coordinator's
 * own --models-dir decides where it lands; the coordinator checks it again
 * (lexically and with realpath of the nearest existing ancestor, so a symlink
 * inside the models dir cannot lead out) right before writing.
 */
import { mkdir, realpath } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { DEFAULTS, JobError } from '@tensorpool/core';
import { isInside } from './data-ref.js';

/** The models dir of this process: the option, else TENSORPOOL_MODELS_DIR, else DEFAULTS.modelsDir. */
export function modelsDir(option?: string): string {
  return resolve(option ?? (process.env.TENSORPOOL_MODELS_DIR || DEFAULTS.modelsDir));
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `out` as a path relative to `dir`; JobError naming the field when it is not strictly inside. */
export function normalizeOut(out: string, dir: string): string {
  if (CONTROL.test(out)) throw new JobError('out: must not contain control characters');
  const root = resolve(dir);
  const rel = relative(root, resolve(root, out));
  if (rel === '' || !isInside(root, resolve(root, rel))) throw new JobError(`out: must be a directory inside the models dir (${root})`);
  return rel;
}

/**
 * The directory the coordinator may write a job's model to, checked just
 * before writing: inside `dir` lexically and after resolving symlinks of
 * whatever part of the path already exists.
 */
export async function confinedModelDir(jobId: string, out: string | undefined, dir: string): Promise<string> {
  const root = resolve(dir);
  const target = resolve(root, out === undefined ? jobId : normalizeOut(out, root));
  await mkdir(root, { recursive: true });
  const realRoot = await realpath(root);
  let probe = target;
  for (;;) {
    const real = await realpath(probe).catch(() => undefined);
    if (real !== undefined) {
      if (!isInside(realRoot, real) || (probe === target && real === realRoot)) throw new JobError(`out: must be a directory inside the models dir (${root})`);
      return target;
    }
    probe = dirname(probe);
  }
}
