/**
 * Sample predictions saved next to a finished model: a few test images,
 * misclassified first, with their true and predicted labels and the softmax
 * probabilities, as samples.json (schema in packages/core/src/samples.ts)
 * and samples.png (the images as tiles of one sprite). Written by local
 * training (run-training.ts) and the distributed coordinator (queue
 * evaluate.ts); read by the dashboard's run page and the pooling explorer.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { DEFAULTS, DataError, parseSamplesIndex, type ImageSet, type SamplesIndex } from '@tensorpool/core';
import { normalizeInto, type Normalization } from '@tensorpool/preprocessing';
import { writeFileAtomic } from './atomic.js';
import type { EvalResult } from './types.js';

export const SAMPLES_JSON = 'samples.json';
export const SAMPLES_PNG = 'samples.png';
const COLUMNS = 8;

/** Indices into the test split: up to `max`, the misclassified ones first, each group in test order. */
export function pickSamples(labels: ArrayLike<number>, predictions: ArrayLike<number>, max: number): number[] {
  const wrong: number[] = [];
  const right: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === predictions[i] ? right : wrong).push(i);
  return [...wrong, ...right].slice(0, max);
}

/** Anything that turns normalized inputs [n, h, w, c] into probabilities [n, classes] (Trainer.predict). */
export type Predict = (x: Float32Array, n: number) => Promise<Float32Array>;

/** Picks, predicts and writes samples.json + samples.png into `dir`; returns the index. */
export async function saveSamples(dir: string, o: {
  set: ImageSet; labels: string[]; test: Pick<EvalResult, 'labels' | 'predictions'>; normalization: Normalization; predict: Predict; max?: number;
}): Promise<SamplesIndex> {
  const picked = pickSamples(o.test.labels, o.test.predictions, o.max ?? DEFAULTS.explorer.samples);
  const [h, w, c] = o.set.shape;
  const size = h * w * c;
  const pixels = new Uint8Array(picked.length * size); // [n, h, w, c]
  picked.forEach((t, k) => pixels.set(o.set.images.subarray(t * size, (t + 1) * size), k * size));
  const x = new Float32Array(pixels.length);
  normalizeInto(pixels, x, picked.length, o.set.shape, o.normalization);
  const probs = picked.length ? await o.predict(x, picked.length) : new Float32Array(0);
  const k = o.labels.length;
  let misclassified = 0;
  for (let i = 0; i < o.test.labels.length; i++) if (o.test.labels[i] !== o.test.predictions[i]) misclassified++;
  const index = parseSamplesIndex({
    format: 'tensorpool-samples', version: 1, image: SAMPLES_PNG, shape: [h, w, c], columns: COLUMNS, labels: o.labels,
    testSamples: o.test.labels.length, misclassified,
    samples: picked.map((t, i) => ({
      index: t, label: o.test.labels[t], predicted: o.test.predictions[t],
      probabilities: Array.from(probs.subarray(i * k, (i + 1) * k), (p) => Math.min(1, Math.max(0, p))),
    })),
  });
  await writeFileAtomic(join(dir, SAMPLES_PNG), await spritePng(pixels, picked.length, [h, w, c]));
  await writeFileAtomic(join(dir, SAMPLES_JSON), `${JSON.stringify(index)}\n`);
  return index;
}

/** n tiles [h, w, c] as one PNG, COLUMNS wide. */
async function spritePng(pixels: Uint8Array, n: number, [h, w, c]: [number, number, number]): Promise<Buffer> {
  const cols = COLUMNS;
  const rows = Math.max(1, Math.ceil(n / cols));
  const out = Buffer.alloc(rows * h * cols * w * c); // [rows * h, cols * w, c]
  for (let i = 0; i < n; i++) {
    const r0 = Math.floor(i / cols) * h;
    const c0 = (i % cols) * w;
    for (let y = 0; y < h; y++) out.set(pixels.subarray((i * h + y) * w * c, (i * h + y + 1) * w * c), ((r0 + y) * cols * w + c0) * c);
  }
  const img = sharp(out, { raw: { width: cols * w, height: rows * h, channels: c as 1 | 3 } });
  return (c === 1 ? img.toColourspace('b-w') : img).png().toBuffer();
}

/** samples.json of a model directory, validated, and the images [n, h, w, c] cut from samples.png; null when the model has none. */
export async function loadSamples(dir: string): Promise<{ index: SamplesIndex; pixels: Uint8Array } | null> {
  let text: string;
  try {
    text = await readFile(join(dir, SAMPLES_JSON), 'utf8');
  } catch {
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DataError(`bad ${SAMPLES_JSON} in ${dir}: not JSON`);
  }
  const index = parseSamplesIndex(value);
  const [h, w, c] = index.shape;
  const n = index.samples.length;
  const rows = Math.max(1, Math.ceil(n / index.columns));
  const { data, info } = await sharp(join(dir, SAMPLES_PNG), { failOn: 'error' }).removeAlpha().toColourspace(c === 1 ? 'b-w' : 'srgb').raw().toBuffer({ resolveWithObject: true })
    .catch((e: Error) => { throw new DataError(`bad ${SAMPLES_PNG} in ${dir}: ${e.message.split('\n')[0]}`); });
  if (info.width !== index.columns * w || info.height !== rows * h || info.channels !== c) {
    throw new DataError(`bad ${SAMPLES_PNG} in ${dir}: ${info.width}x${info.height}x${info.channels}, samples.json says ${index.columns * w}x${rows * h}x${c}`);
  }
  const pixels = new Uint8Array(n * h * w * c);
  for (let i = 0; i < n; i++) {
    const r0 = Math.floor(i / index.columns) * h;
    const c0 = (i % index.columns) * w;
    for (let y = 0; y < h; y++) pixels.set(data.subarray(((r0 + y) * index.columns * w + c0) * c, ((r0 + y) * index.columns * w + c0 + w) * c), (i * h + y) * w * c);
  }
  return { index, pixels };
}
