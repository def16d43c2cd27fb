/**
 * samples.json: the index of the sample test predictions saved next to a
 * model (packages/training/src/samples.ts), read back by the dashboard and
 * the explorer, so validated on read (the file is untrusted). The images are
 * tiles of samples.png, [rows * h, columns * w, c], sample i at row
 * floor(i / columns), column i % columns.
 */
import { z } from 'zod';
import { DataError } from './errors.js';

const MAX_SAMPLES = 256;
const MAX_CLASSES = 1000;
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const SampleEntry = z.strictObject({
  /** Index of the image in the test split. */
  index: count,
  label: z.number().int().nonnegative().max(MAX_CLASSES - 1),
  predicted: z.number().int().nonnegative().max(MAX_CLASSES - 1),
  /** Softmax probability of every class. */
  probabilities: z.array(z.number().finite().min(0).max(1)).max(MAX_CLASSES),
});

export const SamplesIndex = z.strictObject({
  format: z.literal('tensorpool-samples'),
  version: z.literal(1),
  image: z.literal('samples.png'),
  shape: z.tuple([z.number().int().min(1).max(1024), z.number().int().min(1).max(1024), z.union([z.literal(1), z.literal(3)])]),
  columns: z.number().int().min(1).max(64),
  labels: z.array(z.string().max(200)).min(1).max(MAX_CLASSES),
  testSamples: count,
  /** Misclassified images in the whole test split (the saved ones come first). */
  misclassified: count,
  samples: z.array(SampleEntry).max(MAX_SAMPLES),
}).superRefine((v, ctx) => {
  v.samples.forEach((s, i) => {
    if (s.probabilities.length !== v.labels.length) ctx.addIssue({ code: 'custom', path: ['samples', i, 'probabilities'], message: `has ${s.probabilities.length} values for ${v.labels.length} labels` });
    if (s.label >= v.labels.length || s.predicted >= v.labels.length) ctx.addIssue({ code: 'custom', path: ['samples', i], message: 'label or prediction out of range' });
  });
});
export type SamplesIndex = z.infer<typeof SamplesIndex>;
export type SampleEntry = z.infer<typeof SampleEntry>;

/** A samples.json value from an untrusted source: the index, or a DataError naming the bad field. */
export function parseSamplesIndex(value: unknown): SamplesIndex {
  const r = SamplesIndex.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new DataError(`bad samples.json: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
}
