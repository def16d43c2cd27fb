/**
 * Training throughput on synthetic input of a spec's shape: K timed optimizer
 * steps at the given global batch, after one untimed warm-up step (backend
 * start-up, first-call kernel setup). Peak RSS covers the whole process,
 * worker threads included.
 */
import { checkPositiveInt, Random } from '@tensorpool/core';
import type { ModelSpec } from '@tensorpool/engine';
import type { ImageSet } from '@tensorpool/data';
import { Trainer } from './trainer.js';

export interface BenchOptions {
  spec: ModelSpec;
  threads: number;
  steps: number;
  batchSize: number;
  backend?: 'wasm' | 'cpu';
  seed?: number;
  microBatches?: number;
}

export interface BenchResult {
  preset: string;
  threads: number;
  batchSize: number;
  steps: number;
  imagesPerSecond: number;
  /** Images per CPU-second of the whole process (all threads): what the work costs, less sensitive to other load on shared cores. */
  imagesPerCpuSecond: number;
  peakRssMB: number;
}

/** n random uint8 images of the spec's shape with random labels, in shared memory. */
export function syntheticSet(spec: ModelSpec, n: number, seed = 1): ImageSet {
  const [h, w, c] = spec.inputShape;
  const r = new Random(seed, 0x62656e63);
  const images = new Uint8Array(new SharedArrayBuffer(n * h * w * c));
  for (let i = 0; i < images.length; i++) images[i] = r.nextUint32() & 255;
  const labels = new Uint8Array(new SharedArrayBuffer(n));
  for (let i = 0; i < n; i++) labels[i] = r.int(spec.labels.length);
  return { images, labels, n, shape: [h, w, c], classes: [...spec.labels] };
}

export async function benchTraining(o: BenchOptions): Promise<BenchResult> {
  const steps = checkPositiveInt('steps', o.steps, '--steps');
  const batchSize = checkPositiveInt('batch size', o.batchSize, '--batch-size');
  const trainer = await Trainer.create({ spec: o.spec, threads: o.threads, batchSize, backend: o.backend, microBatches: o.microBatches });
  try {
    const set = syntheticSet(o.spec, batchSize * (steps + 1), o.seed);
    trainer.initWeights(o.seed ?? 1);
    const common = { train: set, seed: o.seed ?? 1, batchSize, augment: 'none' as const, normalization: 'div256' as const };
    await trainer.runEpoch({ ...common, epoch: 0, indices: Int32Array.from({ length: batchSize }, (_, i) => i) });
    const timed = Int32Array.from({ length: batchSize * steps }, (_, i) => batchSize + i);
    const cpu0 = process.cpuUsage();
    const r = await trainer.runEpoch({ ...common, epoch: 1, indices: timed });
    const cpu = process.cpuUsage(cpu0);
    return {
      preset: o.spec.name, threads: trainer.threads, batchSize, steps,
      imagesPerSecond: r.imagesPerSecond,
      imagesPerCpuSecond: r.samples / ((cpu.user + cpu.system) / 1e6),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await trainer.close();
  }
}
