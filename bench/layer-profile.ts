/**
 * Per-layer kernel profile of tensorpool's engine (wasm backend, our kernels,
 * this thread only): each conv, pooling and dense layer of a preset at its
 * shape in the network, batch 32, timed alone: forward (fused bias + ReLU),
 * input gradient and weight gradient (with the bias sum) from a gradient that
 * already has the ReLU mask applied (as in PyTorch's rows), the same kernels
 * packages/engine/src/backprop.ts runs. Median of --reps
 * after one warm-up call. bench/pytorch_ref.py `profile` prints the same rows
 * for PyTorch; bench/pytorch.ts puts them side by side.
 *
 *   node bench/dist/layer-profile.js --preset seed [--reps 3] [--batch 32] [--cpu-time] [--no-simd | --compare-simd R | --compare-winograd R | --compare-winograd-filter-grad R]
 * --cpu-time: time by this process's CPU time (process.cpuUsage) instead of
 * wall time; the kernels run on this one thread, so on a loaded machine CPU
 * time is far less noisy than wall time (which counts waiting for a core).
 * --no-simd: without our WebAssembly SIMD kernels. --compare-simd R: before/after
 * in this one process, R rounds alternating without and with them; prints the
 * medians per layer and pass and their ratio (without / with: > 1 = SIMD faster).
 * --compare-winograd R: the same with the SIMD kernels on both sides, Winograd
 * F(4x4, 3x3) off ("without") and on ("with") for the 3x3 convolutions
 * (forward, input gradient and, since 32b406d, filter gradient).
 * --compare-winograd-filter-grad R: the same with Winograd forward on both
 * sides, the 3x3 filter gradient direct ("without") or in the Winograd domain ("with").
 */
import * as tf from '@tensorflow/tfjs';
import { getPreset, initBackend, registerTrainingKernels, type TrainingKernelOptions } from '@tensorpool/engine';

export interface LayerTiming { layer: string; input: number[]; forward: number; inputGrad: number | null; weightGrad: number | null }
export interface LayerProfile { preset: string; batchSize: number; reps: number; layers: LayerTiming[] }

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Milliseconds now: wall clock, or this process's CPU time with --cpu-time. */
const cpuTime = process.argv.includes('--cpu-time');
const clock = (): number => {
  if (!cpuTime) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Median ms (wall or CPU, see clock) of fn over reps calls after one warm-up; fn's tensors are disposed. */
function medianMs(fn: () => tf.Tensor | tf.Tensor[], reps: number): number {
  const once = () => {
    const t0 = clock();
    const out = tf.tidy(fn);
    const ms = clock() - t0;
    tf.dispose(out);
    return ms;
  };
  once();
  const times = Array.from({ length: reps }, once).sort((a, b) => a - b);
  return times[Math.floor((times.length - 1) / 2)];
}

const reluGrad = (dy: tf.Tensor, y: tf.Tensor) => tf.mul(dy, tf.step(y));

function convRow(layer: string, x: tf.Tensor4D, cout: number, pad: 'same' | 'valid', first: boolean, reps: number): [LayerTiming, tf.Tensor4D] {
  const cin = x.shape[3];
  const filter = tf.randomUniform([3, 3, cin, cout], -0.1, 0.1) as tf.Tensor4D;
  const bias = tf.zeros([cout]);
  const fwd = () => tf.fused.conv2d({ x, filter, bias, strides: 1, pad, activation: 'relu' });
  const y = fwd();
  const g = tf.tidy(() => reluGrad(tf.randomUniform(y.shape), y));
  const attrs = { strides: [1, 1], pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
  const row: LayerTiming = {
    layer, input: x.shape, forward: medianMs(fwd, reps),
    inputGrad: first ? null : medianMs(() => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: g, filter },
      { ...attrs, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor, reps),
    weightGrad: medianMs(() => [tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: g }, { ...attrs, filterShape: filter.shape } as unknown as tf.NamedAttrMap) as tf.Tensor, tf.sum(g, [0, 1, 2])], reps),
  };
  tf.dispose([filter, bias, g]);
  return [row, y];
}

function poolRow(layer: string, x: tf.Tensor4D, reps: number): [LayerTiming, tf.Tensor4D] {
  const y = tf.maxPool(x, 2, 2, 'valid');
  const dy = tf.randomUniform(y.shape);
  const row: LayerTiming = {
    layer, input: x.shape, forward: medianMs(() => tf.maxPool(x, 2, 2, 'valid'), reps),
    inputGrad: medianMs(() => tf.engine().runKernel(tf.MaxPoolGrad, { dy, input: x, output: y },
      { filterSize: [2, 2], strides: [2, 2], pad: 'valid', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap) as tf.Tensor, reps),
    weightGrad: null,
  };
  dy.dispose();
  return [row, y];
}

function denseRow(layer: string, x: tf.Tensor2D, units: number, reps: number): [LayerTiming, tf.Tensor2D] {
  const kernel = tf.randomUniform([x.shape[1], units], -0.05, 0.05) as tf.Tensor2D;
  const bias = tf.zeros([units]);
  const fwd = () => tf.fused.matMul({ a: x, b: kernel, bias, activation: 'relu' }) as tf.Tensor2D;
  const y = fwd();
  const g = tf.tidy(() => reluGrad(tf.randomUniform(y.shape), y));
  const row: LayerTiming = {
    layer, input: x.shape, forward: medianMs(fwd, reps),
    inputGrad: medianMs(() => tf.matMul(g, kernel, false, true), reps),
    weightGrad: medianMs(() => [tf.matMul(x, g, true, false), tf.sum(g, 0)], reps),
  };
  tf.dispose([kernel, bias, g]);
  return [row, y];
}

/** Rows conv1, conv2, pool1, conv3, conv4, pool2, dense1, dense2 of the seed topology. */
export function profileLayers(preset: string, batch: number, reps: number): LayerProfile {
  const spec = getPreset(preset);
  const [h, w, c] = spec.inputShape;
  const rows: LayerTiming[] = [];
  let x = tf.randomUniform([batch, h, w, c]) as tf.Tensor4D;
  const next = <T extends tf.Tensor>([row, y]: [LayerTiming, T]): T => {
    rows.push(row);
    x.dispose();
    return y;
  };
  x = next(convRow('conv1', x, 32, 'same', true, reps));
  x = next(convRow('conv2', x, 32, 'valid', false, reps));
  x = next(poolRow('pool1', x, reps));
  x = next(convRow('conv3', x, 64, 'same', false, reps));
  x = next(convRow('conv4', x, 64, 'valid', false, reps));
  x = next(poolRow('pool2', x, reps));
  const flat = tf.reshape(x, [batch, -1]) as tf.Tensor2D;
  x.dispose();
  const d1 = denseRow('dense1', flat, 512, reps);
  rows.push(d1[0]);
  flat.dispose();
  const d2 = denseRow('dense2', d1[1], spec.labels.length, reps);
  rows.push(d2[0]);
  tf.dispose([d1[1], d2[1]]);
  return { preset, batchSize: batch, reps, layers: rows };
}

type Pass = 'forward' | 'inputGrad' | 'weightGrad';
const PASSES: Pass[] = ['forward', 'inputGrad', 'weightGrad'];

/** R rounds of profileLayers alternating without (kernel set `off`) / with all our kernels; medians and ratios per layer and pass. */
function compareSimd(preset: string, batch: number, reps: number, rounds: number, off: TrainingKernelOptions) {
  const runs: Record<'off' | 'on', LayerProfile[]> = { off: [], on: [] };
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
      registerTrainingKernels(side === 'on' ? 'all' : off);
      runs[side].push(profileLayers(preset, batch, reps));
    }
  }
  registerTrainingKernels('all');
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const total = { off: 0, on: 0 };
  const layers = runs.off[0].layers.map((l, i) => {
    const row: Record<string, unknown> = { layer: l.layer, input: l.input };
    for (const p of PASSES) {
      if (l[p] === null) continue;
      const off = med(runs.off.map((x) => x.layers[i][p]!)), on = med(runs.on.map((x) => x.layers[i][p]!));
      total.off += off;
      total.on += on;
      row[p] = { withoutSimd: Math.round(off * 10) / 10, withSimd: Math.round(on * 10) / 10, ratio: Math.round((off / on) * 100) / 100 };
    }
    return row;
  });
  return { preset, batchSize: batch, reps, rounds, clock: cpuTime ? 'cpu' : 'wall', layers, total: { ...total, ratio: total.off / total.on } };
}

if (process.argv[1]?.endsWith('layer-profile.js')) {
  await initBackend('wasm', { kernels: process.argv.includes('--no-simd') ? { simdKernels: false } : 'all' });
  const [preset, batch, reps] = [arg('preset', 'seed'), Number(arg('batch', '32')), Number(arg('reps', '3'))];
  const rounds = Number(arg('compare-simd', '0')), wino = Number(arg('compare-winograd', '0'));
  const winoGrad = Number(arg('compare-winograd-filter-grad', '0'));
  const r = rounds > 0 ? compareSimd(preset, batch, reps, rounds, { simdKernels: false })
    : wino > 0 ? compareSimd(preset, batch, reps, wino, { winograd: false })
      : winoGrad > 0 ? compareSimd(preset, batch, reps, winoGrad, { winogradFilterGrad: false }) : profileLayers(preset, batch, reps);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
