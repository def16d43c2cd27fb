/**
 * Wasm training kernels: one full training step (forward, backward, Adam) of
 * the seed network (100x100x3, batch 16, one thread) with
 *   baseline: stock wasm kernels + only the kernel wasm lacks (Conv2DBackpropFilter)
 *   ours:     all our kernels (@tensorpool/engine registerTrainingKernels('all'))
 * measured in the same run, steps interleaved so shared-CPU noise hits both
 * alike; plus the fashion-mnist shape (28x28x1, batch 32). Prints one JSON object.
 * Times are wall clock; cpuMsPerStep is this process's CPU time (less
 * sensitive to other processes on the machine).
 *
 *   pnpm bench:kernels   (or: npx tsc -b bench && node bench/dist/kernels.js [--steps 3] [--fashion-steps 10])
 */
import { availableParallelism, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend, registerTrainingKernels, type TrainingKernelSet } from '@tensorpool/engine';
import { buildStepNet, type StepNet } from './kernels-step.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

interface Timing { msPerStep: number; cpuMsPerStep: number; imagesPerSecond: number; imagesPerCpuSecond: number }

/** Alternates one step of each kernel set per round after one warm-up step each. */
function compare(net: StepNet, batch: number, steps: number, sets: TrainingKernelSet[]): Record<string, Timing> {
  const wall = new Map<string, number>(), cpu = new Map<string, number>();
  for (const set of sets) {
    registerTrainingKernels(set);
    net.step();
  }
  for (let r = 0; r < steps; r++) {
    for (const set of sets) {
      registerTrainingKernels(set);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const loss = net.step();
      wall.set(set, (wall.get(set) ?? 0) + performance.now() - t0);
      cpu.set(set, (cpu.get(set) ?? 0) + process.cpuUsage(c0).user / 1000);
      if (!Number.isFinite(loss)) throw new Error(`loss is ${loss} with kernel set ${set}`);
    }
  }
  const out: Record<string, Timing> = {};
  for (const set of sets) {
    const ms = wall.get(set)! / steps, cms = cpu.get(set)! / steps;
    out[set] = { msPerStep: round(ms), cpuMsPerStep: round(cms), imagesPerSecond: round((1000 * batch) / ms), imagesPerCpuSecond: round((1000 * batch) / cms) };
  }
  return out;
}

const round = (x: number) => Math.round(x * 100) / 100;

await initBackend('wasm');
const steps = arg('steps', 3);
const fashionSteps = arg('fashion-steps', 10);

const seedNet = buildStepNet(16, [100, 100, 3], 6);
const seed = compare(seedNet, 16, steps, ['missing-only', 'all']);
seedNet.dispose();
const fashionNet = buildStepNet(32, [28, 28, 1], 10);
const fashion = compare(fashionNet, 32, fashionSteps, ['missing-only', 'all']);
fashionNet.dispose();
registerTrainingKernels('all');

const baseline = seed['missing-only'], ours = seed.all;
process.stdout.write(`${JSON.stringify({
  benchmark: 'kernels',
  backend: tf.getBackend(),
  cores: availableParallelism(),
  loadAverage1m: round(loadavg()[0]),
  seed: { batch: 16, input: [100, 100, 3], steps },
  baseline,
  ours,
  speedup: round(baseline.msPerStep / ours.msPerStep),
  speedupCpu: round(baseline.cpuMsPerStep / ours.cpuMsPerStep),
  fashionMnist: { batch: 32, input: [28, 28, 1], steps: fashionSteps, baseline: fashion['missing-only'], ours: fashion.all, speedupCpu: round(fashion['missing-only'].cpuMsPerStep / fashion.all.cpuMsPerStep) },
  targets: {
    speedup: { target: 3, measured: round(baseline.cpuMsPerStep / ours.cpuMsPerStep), met: baseline.cpuMsPerStep / ours.cpuMsPerStep >= 3 },
    imagesPerSecondPerThread: { target: 6, measured: ours.imagesPerCpuSecond, met: ours.imagesPerCpuSecond >= 6 },
  },
}, null, 2)}\n`);
