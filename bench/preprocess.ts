/**
 * Preprocessing throughput on 100x100x3 uint8 images (the seed job's size):
 * online augmentation (rotation, flip, shift, zoom, brightness; bilinear) fused
 * with normalization into a float32 batch, single thread and on the AugmentPool.
 * The baseline, measured in the same run on the same images, is a plain
 * gather + normalize (what the trainer does without augmentation).
 * Prints one JSON object on one line (bench/run.ts reads the last such line).
 * Target: >= 2,000 augmented + normalized images/s per core.
 *
 *   npx tsc -b bench && node bench/dist/preprocess.js [--seconds 1] [--threads N]
 */
import { availableParallelism, loadavg } from 'node:os';
import { Random } from '@tensorpool/core';
import { AugmentPool, AUGMENT_DEFAULTS, augmentBatch, gatherNormalize } from '@tensorpool/preprocessing';

const TARGET_PER_CORE = 2000;
const shape = [100, 100, 3] as const;
const size = 100 * 100 * 3;
const N = 512;
const BATCH = 32;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const seconds = arg('seconds', 1);
const threads = arg('threads', availableParallelism());

// Smooth synthetic images (gradients + noise) in shared memory, like a decoded photo set.
const images = new Uint8Array(new SharedArrayBuffer(N * size));
const r = new Random(1);
for (let k = 0; k < N; k++) {
  const a = r.next() * 2, b = r.next() * 2, n0 = r.int(60);
  for (let y = 0; y < 100; y++) for (let x = 0; x < 100; x++) for (let c = 0; c < 3; c++) {
    images[k * size + (y * 100 + x) * 3 + c] = (a * x + b * y + 40 * c + n0 + r.int(16)) & 255;
  }
}
const order = new Int32Array(N).map((_, i) => i);
new Random(2).shuffle(order);
const batchIndices = (step: number) => order.subarray((step * BATCH) % N, ((step * BATCH) % N) + BATCH);

/**
 * Images per second of `step` (one batch per call), best of 3 windows of
 * `seconds`: `wall` per elapsed second and `cpu` per CPU-second of this process
 * (all its threads). The cores are shared with other work, so per-core figures
 * use CPU time, which contention inflates far less than wall time.
 */
async function rate(step: (i: number) => unknown): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < 4; i++) await step(i); // warm-up / JIT
  let wall = 0;
  let cpu = 0;
  for (let round = 0; round < 3; round++) {
    let done = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < seconds * 1000) {
      await step(done);
      done++;
      t = performance.now();
    }
    const used = process.cpuUsage(c0);
    wall = Math.max(wall, (done * BATCH) / ((t - t0) / 1000));
    cpu = Math.max(cpu, (done * BATCH) / ((used.user + used.system) / 1e6));
  }
  return { wall, cpu };
}

const f32 = new Float32Array(BATCH * size);
const u8 = new Uint8Array(BATCH * size);
const copyNormalize = await rate((i) => gatherNormalize(images, batchIndices(i), f32, shape, 'div256'));
const augmentU8 = await rate((i) => augmentBatch(images, batchIndices(i), u8, shape, AUGMENT_DEFAULTS, 42, 0));
const augmentNormalize = await rate((i) => augmentBatch(images, batchIndices(i), f32, shape, AUGMENT_DEFAULTS, 42, 0, 'div256'));

const pool = new AugmentPool({ images, shape, config: AUGMENT_DEFAULTS, threads, normalization: 'div256' });
const shared = pool.allocateBatch(BATCH, 'float32');
const poolRate = await rate((i) => pool.run(batchIndices(i), 42, 0, shared));
await pool.close();

const round = (x: number) => Math.round(x);
const ratio = (a: number, b: number) => +(a / b).toFixed(2);
console.log(JSON.stringify({
  bench: 'preprocess',
  image: shape,
  batch: BATCH,
  augment: AUGMENT_DEFAULTS,
  normalization: 'div256',
  // Single thread, augmentation fused with normalization into float32, per CPU-second.
  imagesPerSecondPerCore: round(augmentNormalize.cpu),
  targetImagesPerSecondPerCore: TARGET_PER_CORE,
  meetsTarget: augmentNormalize.cpu >= TARGET_PER_CORE,
  singleThread: {
    copyNormalizeImagesPerCpuSecond: round(copyNormalize.cpu),
    augmentUint8ImagesPerCpuSecond: round(augmentU8.cpu),
    augmentNormalizeImagesPerCpuSecond: round(augmentNormalize.cpu),
    // How many times dearer augmentation makes a batch than the plain copy+normalize baseline.
    augmentCostVsCopyNormalize: ratio(copyNormalize.cpu, augmentNormalize.cpu),
    augmentNormalizeImagesPerWallSecond: round(augmentNormalize.wall),
  },
  pool: {
    threads,
    cores: availableParallelism(),
    imagesPerWallSecond: round(poolRate.wall),
    imagesPerCpuSecond: round(poolRate.cpu),
    wallSpeedupVsSingleThread: ratio(poolRate.wall, augmentNormalize.wall),
    // < 1 is the cost of the pool (messages, waiting main thread) per unit of CPU.
    cpuEfficiencyVsSingleThread: ratio(poolRate.cpu, augmentNormalize.cpu),
  },
  loadAverage1m: +loadavg()[0].toFixed(2),
}));
