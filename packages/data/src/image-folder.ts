/**
 * Image folders, the seed's workflow: root/<label>/*.{jpg,jpeg,png,webp,gif,tiff}.
 * Each image is decoded with sharp, stretched to [h, w] (like PIL's
 * Image.resize in the seed, no aspect-preserving crop), converted to RGB (c=3,
 * alpha dropped like PIL's convert("RGB")) or grayscale (c=1), and written
 * straight into one shared [n, h, w, c] buffer. Files that do not decode are
 * reported in `skipped` (or fail the load with `strict`), never dropped silently.
 */
import { availableParallelism } from 'node:os';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { decodeInto } from './decode-image.js';
import { DataError, DEFAULTS, UsageError } from '@tensorpool/core';
import { sharedBytes } from './shared.js';
import { splitIndices } from './split.js';
import type { DatasetSplits, ImageFolderOptions, ImageSet } from './types.js';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tiff', '.tif'];

type Skipped = { file: string; reason: string };

/** Byte-order comparison: the same order on every machine and locale. */
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function checkShape(shape: readonly number[]): [number, number, number] {
  const [h, w, c] = shape;
  if (shape.length !== 3 || ![h, w].every((v) => Number.isInteger(v) && v > 0 && v <= 16384) || (c !== 1 && c !== 3)) {
    throw new UsageError(`image shape must be [h, w, 1 or 3], got [${shape.join(', ')}]`);
  }
  return [h, w, c];
}

/** Runs fn(i) for i in 0..n-1 with at most `limit` in flight. */
async function forEachBounded(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

async function listDir(dir: string): Promise<import('node:fs').Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new DataError(`cannot read image folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

/** Lists the class folders and their image files; anything else is reported in `skipped`. */
async function scan(root: string, classesOpt: string[] | undefined, skipped: Skipped[], noSymlinks = false): Promise<{ classes: string[]; files: string[]; labels: number[] }> {
  const st = await stat(root).catch(() => null);
  if (!st?.isDirectory()) throw new DataError(`image folder ${root} does not exist or is not a directory`);
  const entries = (await listDir(root)).filter((e) => !e.name.startsWith('.'));
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(byCodePoint);
  for (const e of entries) if (!e.isDirectory()) skipped.push({ file: join(root, e.name), reason: 'not inside a class folder' });
  const classes = classesOpt ?? folders;
  if (classes.length === 0) throw new DataError(`image folder ${root} has no class folders; expected ${root}/<label>/*.jpg`);
  if (classes.length > 256) throw new DataError(`image folder ${root} has ${classes.length} classes; at most 256 are supported`);
  for (const f of folders) if (!classes.includes(f)) skipped.push({ file: join(root, f), reason: 'folder is not one of the classes' });

  const files: string[] = [];
  const labels: number[] = [];
  for (const [label, name] of classes.entries()) {
    const dir = join(root, name);
    if (!folders.includes(name)) throw new DataError(`class '${name}' has no folder ${dir}`);
    const listed = (await listDir(dir)).filter((e) => !e.name.startsWith('.'));
    // Confined loads (the job service) do not follow links: a link could point outside the data root.
    for (const e of listed) if (noSymlinks && e.isSymbolicLink()) skipped.push({ file: join(dir, e.name), reason: 'symbolic link (not followed)' });
    const names = listed.filter((e) => !(noSymlinks && e.isSymbolicLink())).map((e) => e.name).sort(byCodePoint);
    let count = 0;
    for (const f of names) {
      if (IMAGE_EXTENSIONS.includes(extname(f).toLowerCase())) {
        files.push(join(dir, f));
        labels.push(label);
        count++;
      } else {
        skipped.push({ file: join(dir, f), reason: `unsupported extension (expected ${IMAGE_EXTENSIONS.join(' ')})` });
      }
    }
    if (count === 0) throw new DataError(`class folder ${dir} has no images (${IMAGE_EXTENSIONS.join(' ')})`);
  }
  return { classes, files, labels };
}

interface Decoding {
  shape: [number, number, number];
  concurrency: number;
  strict: boolean;
  classes: string[];
  skipped: Skipped[];
  /** Files decoded so far over every decodeAll call of one load, for onProgress. */
  progress: { done: number; total: number; report?: (done: number, total: number) => void };
}

/**
 * Decodes files[i] (for i in `which`) into one [m, h, w, c] shared buffer,
 * then closes the gaps of undecodable files in place.
 */
async function decodeAll(files: string[], labels: number[], which: ArrayLike<number>, d: Decoding, what: string): Promise<ImageSet> {
  const [h, w, c] = d.shape;
  const per = h * w * c;
  const m = which.length;
  const images = sharedBytes(m * per, what);
  const ok = new Uint8Array(m);
  let strictError: DataError | null = null;
  await forEachBounded(m, d.concurrency, async (k) => {
    if (strictError) return;
    const file = files[which[k]];
    try {
      await decodeInto(file, d.shape, images.subarray(k * per, (k + 1) * per));
      ok[k] = 1;
    } catch (e) {
      const reason = `cannot decode: ${(e as Error).message.split('\n')[0]}`;
      if (d.strict) strictError ??= new DataError(`${file}: ${reason} (strict mode)`, { cause: e });
      else d.skipped.push({ file, reason });
    }
    d.progress.report?.(++d.progress.done, d.progress.total);
  });
  if (strictError) throw strictError;
  let n = 0;
  const lab = sharedBytes(m, what);
  for (let k = 0; k < m; k++) {
    if (!ok[k]) continue;
    if (n !== k) images.copyWithin(n * per, k * per, (k + 1) * per);
    lab[n++] = labels[which[k]];
  }
  return { images: images.subarray(0, n * per), labels: lab.subarray(0, n), n, shape: [h, w, c], classes: d.classes };
}

async function prepare(root: string, opts: ImageFolderOptions): Promise<Decoding & { files: string[]; labels: number[] }> {
  const shape = checkShape(opts.shape ?? DEFAULTS.imageShape);
  const concurrency = opts.concurrency ?? 2 * availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`concurrency must be a positive integer, got ${opts.concurrency}`);
  if (opts.classes && new Set(opts.classes).size !== opts.classes.length) throw new UsageError(`class names must be distinct, got ${opts.classes.join(', ')}`);
  const skipped: Skipped[] = [];
  const { classes, files, labels } = await scan(root, opts.classes, skipped, opts.noSymlinks);
  if (opts.strict && skipped.length) throw new DataError(`${skipped[0].file}: ${skipped[0].reason} (strict mode)`);
  const progress = { done: 0, total: files.length, report: opts.onProgress };
  return { shape, concurrency, strict: !!opts.strict, classes, skipped, files, labels, progress };
}

function checkDecoded(root: string, n: number, skipped: Skipped[]): void {
  if (n === 0) throw new DataError(`no image under ${root} could be decoded (${skipped.length} skipped, first: ${skipped[0]?.file}: ${skipped[0]?.reason})`);
  skipped.sort((a, b) => byCodePoint(a.file, b.file));
}

/** Decodes every image under root into one ImageSet, unsplit. */
export async function readImageFolder(root: string, opts: ImageFolderOptions = {}): Promise<{ set: ImageSet; skipped: Skipped[] }> {
  const p = await prepare(root, opts);
  const set = await decodeAll(p.files, p.labels, Int32Array.from(p.files.keys()), p, root);
  checkDecoded(root, set.n, p.skipped);
  return { set, skipped: p.skipped };
}

/**
 * Reads an image folder split (seeded, stratified) into train and test. The
 * split is drawn over the file list before decoding, so an undecodable file
 * only leaves its own side one shorter, and each image is decoded straight
 * into its side's buffer (the set is held once, not copied after a split).
 */
export async function loadImageFolder(root: string, opts: ImageFolderOptions = {}): Promise<DatasetSplits> {
  const p = await prepare(root, opts);
  const { train, test } = splitIndices(p.labels, p.classes.length, opts.testFraction ?? DEFAULTS.testFraction, opts.seed ?? DEFAULTS.seed);
  const trainSet = await decodeAll(p.files, p.labels, train, p, `${root} (train)`);
  const testSet = await decodeAll(p.files, p.labels, test, p, `${root} (test)`);
  checkDecoded(root, trainSet.n + testSet.n, p.skipped);
  return { source: `image folder ${root}`, train: trainSet, test: testSet, skipped: p.skipped };
}
