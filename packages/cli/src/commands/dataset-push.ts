import type { Command } from 'commander';
import { DEFAULTS, UsageError } from '@tensorpool/core';
import { loadDataset } from '@tensorpool/data';
import { formatBytes, NAME_RE, parseBytes, pushDataset, type PushResult } from '@tensorpool/datasets';
import { withDatasetStore } from '../dataset-store.js';
import { parseFraction, parseNonNegativeInt, parsePositiveInt } from '../parse.js';
import { PushProgressLine } from './push-progress.js';

export interface PushFlags {
  name?: string;
  testFraction: number;
  limit?: number;
  shape?: [number, number, number];
  seed: number;
  strict?: boolean;
  json?: boolean;
}

function parseShape(v: string): [number, number, number] {
  const m = /^(\d+)x(\d+)x([13])$/.exec(v.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1 || Number(m[1]) > 16384 || Number(m[2]) > 16384) {
    throw new UsageError(`--shape must be HxWxC with C 1 or 3, e.g. 100x100x3, got '${v}'`);
  }
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function parseName(v: string): string {
  if (!NAME_RE.test(v)) throw new UsageError(`--name must be 1..64 letters, digits, '_', '.', '-', starting with a letter or digit, got '${v}'`);
  return v;
}

/** TENSORPOOL_DATASET_CHUNK_BYTES (default DEFAULTS.datasetChunkBytes): chunk size of new pushes. */
function chunkSize(): number | undefined {
  const v = process.env.TENSORPOOL_DATASET_CHUNK_BYTES;
  return v ? parseBytes(v, 'TENSORPOOL_DATASET_CHUNK_BYTES') : undefined;
}

/** Test hook (off by default): SIGKILL this process after N uploaded chunks, to test resuming. */
function killAfterChunks(): ((uploaded: number) => void) | undefined {
  const n = Number(process.env.TENSORPOOL_TEST_PUSH_EXIT_AFTER_CHUNKS);
  if (!Number.isInteger(n) || n < 1) return undefined;
  return (uploaded) => {
    if (uploaded === n) process.kill(process.pid, 'SIGKILL');
  };
}

/**
 * Decodes `ref` and pushes it with progress on stderr; the skipped files are
 * reported there too. Reusable by `enqueue --data ./folder` (push, then enqueue by id).
 */
export async function pushLocal(ref: string, f: Omit<PushFlags, 'json'>): Promise<PushResult & { skipped: { file: string; reason: string }[] }> {
  const decode = new PushProgressLine(process.stderr, 'decoded');
  const data = await loadDataset(ref, {
    testFraction: f.testFraction, limit: f.limit, seed: f.seed, strict: f.strict,
    shape: f.shape ?? [...DEFAULTS.imageShape], onProgress: (done, total) => decode.count(done, total),
  });
  for (const s of data.skipped ?? []) process.stderr.write(`skipped ${s.file}: ${s.reason}\n`);
  const upload = new PushProgressLine(process.stderr, 'uploaded');
  const r = await withDatasetStore((store) => pushDataset(store, data, {
    name: f.name, chunkSize: chunkSize(), onProgress: (p) => upload.bytes(p.chunksDone, p.chunksToUpload, p.bytesDone), afterChunk: killAfterChunks(),
  }));
  return { ...r, skipped: (data.skipped ?? []).map((s) => ({ file: s.file, reason: s.reason })) };
}

async function push(ref: string, f: PushFlags): Promise<void> {
  const { skipped, ...r } = await pushLocal(ref, f);
  if (f.json) {
    process.stdout.write(`${JSON.stringify({ ...r, skipped })}\n`);
  } else {
    process.stdout.write(`${r.dataset}${r.name ? ` (${r.name})` : ''}: ${r.train} train + ${r.test} test images, ${formatBytes(r.bytes)}; ` +
      `${r.chunksUploaded} chunks uploaded, ${r.chunksSkipped} already there${skipped.length ? `; ${skipped.length} files skipped` : ''}\n`);
  }
}

/** `tensorpool dataset push <ref>`: decode once, upload to the dataset store by content id. */
export function registerPush(dataset: Command): void {
  dataset
    .command('push')
    .description('decode a dataset (image folder, .npz, fashion-mnist) and upload it to the dataset store; prints its id')
    .argument('<ref>', "an image folder root/<label>/*, a .npz file or 'fashion-mnist' (anything --data accepts)")
    .option('--name <name>', 'a name that points at this dataset (letters, digits, _ . -)', parseName)
    .option('--test-fraction <f>', 'image folders: fraction held out as the test set (seeded, stratified)', parseFraction('--test-fraction'), DEFAULTS.testFraction)
    .option('--seed <n>', 'seed of the train/test split (as train --seed)', parseNonNegativeInt('--seed'), DEFAULTS.seed)
    .option('--limit <n>', 'keep N training samples (per class in proportion, chosen by content: as train --limit)', parsePositiveInt('--limit'))
    .option('--shape <HxWxC>', `image folders: resize to this shape (default ${DEFAULTS.imageShape.join('x')})`, parseShape)
    .option('--strict', 'fail on the first undecodable file instead of skipping it')
    .option('--json', 'print {"dataset","name","train","test","bytes","chunksUploaded","chunksSkipped",...} on stdout')
    .action((ref: string, f: PushFlags) => push(ref, f));
}
