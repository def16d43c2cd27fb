/**
 * Training throughput (images/s) at the seed's global batch 32 on synthetic
 * input: the seed preset on 1 and 2 threads (scaling efficiency = ips2 / (2 *
 * ips1), measured in the same run, so shared-CPU noise hits both alike) and
 * the fashion-mnist preset on all cores. Prints one JSON object.
 * Targets on 2 cores: seed/2 threads >= 15 img/s, scaling >= 0.85, fashion-mnist >= 250 img/s.
 *
 *   npx tsc -b bench && node bench/dist/train.js [--steps 4] [--fashion-steps 30] [--threads 2]
 */
import { availableParallelism, loadavg } from 'node:os';
import { getPreset } from '@tensorpool/engine';
import { benchTraining, type BenchResult } from '@tensorpool/training';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const steps = arg('steps', 4);
const fashionSteps = arg('fashion-steps', 30);
const threads = arg('threads', availableParallelism());

const run = (preset: string, t: number, k: number): Promise<BenchResult> => benchTraining({ spec: getPreset(preset), threads: t, steps: k, batchSize: 32 });

const seed1 = await run('seed', 1, steps);
const seedN = await run('seed', threads, steps);
const fashion = await run('fashion-mnist', threads, fashionSteps);
const scaling = seedN.imagesPerSecond / (seed1.imagesPerSecond * Math.min(threads, availableParallelism()));

process.stdout.write(`${JSON.stringify({
  benchmark: 'train',
  cores: availableParallelism(),
  loadAverage1m: loadavg()[0],
  results: [seed1, seedN, fashion],
  seedScalingEfficiency: scaling,
  targets: {
    seedImagesPerSecond: { target: 15, measured: seedN.imagesPerSecond, met: seedN.imagesPerSecond >= 15 },
    seedScaling: { target: 0.85, measured: scaling, met: scaling >= 0.85 },
    fashionImagesPerSecond: { target: 250, measured: fashion.imagesPerSecond, met: fashion.imagesPerSecond >= 250 },
  },
})}\n`);
