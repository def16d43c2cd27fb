/**
 * Training-step throughput of two builds of @tensorpool/engine, A/B in one run:
 * Replica.gradients (forward + backward, dropout on) on the wasm backend, one
 * thread, synthetic input, for the seed and fashion-mnist presets. Each run is
 * its own process; runs alternate base/new (order flipped every round) so
 * shared-CPU noise hits both alike. Prints one JSON object with the medians and
 * the ratios new/base (images per CPU second; > 1 = new is faster).
 *
 *   node bench/engine-ab.mjs --base /path/to/other/worktree [--repeats 5] [--seed-steps 4] [--fashion-steps 20] [--presets seed,fashion-mnist]
 *   (both worktrees built with `pnpm --silent build`)
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

const one = process.argv.indexOf('--one');
if (one >= 0) {
  const [root, preset, steps, batch] = process.argv.slice(one + 1, one + 5);
  const e = await import(pathToFileURL(resolve(root, 'packages/engine/dist/index.js')).href);
  await e.initBackend('wasm');
  const spec = e.getPreset(preset);
  const n = Number(batch);
  const replica = new e.Replica(spec);
  replica.setWeights(e.initialWeights(spec, 1));
  const [h, w, c] = spec.inputShape;
  const x = Float32Array.from({ length: n * h * w * c }, (_, i) => ((i * 2654435761) % 1000) / 1000);
  const labels = Int32Array.from({ length: n }, (_, i) => i % spec.labels.length);
  const g = new Float32Array(replica.manifest.total);
  const step = (k) => replica.gradients(x, labels, n, { training: true, seed: 1, epoch: 0, sampleIds: Int32Array.from({ length: n }, (_, i) => k * n + i) }, g);
  step(0); // warm-up: kernel setup, XNNPACK operator creation
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let k = 1; k <= Number(steps); k++) step(k);
  const wallMs = performance.now() - t0;
  const cpuMs = process.cpuUsage(c0).user / 1000;
  process.stdout.write(`${JSON.stringify({ cpuMsPerStep: cpuMs / Number(steps), msPerStep: wallMs / Number(steps), imagesPerCpuSecond: (n * Number(steps)) / (cpuMs / 1000) })}\n`);
  process.exit(0);
}

const here = fileURLToPath(new URL('..', import.meta.url));
const base = arg('base');
if (!base) throw new Error('--base <worktree of the reference build> is required');
const repeats = Number(arg('repeats', '5'));
const presets = arg('presets', 'seed,fashion-mnist').split(',');
const configs = [['seed', arg('seed-steps', '4'), '16'], ['fashion-mnist', arg('fashion-steps', '20'), '32']].filter(([p]) => presets.includes(p));

function run(root, [preset, steps, batch]) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', root, preset, steps, batch], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${root} ${preset} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const load0 = loadavg()[0];
const out = {};
for (const cfg of configs) {
  const runs = { base: [], new: [] };
  for (let i = 0; i < repeats; i++) {
    const order = i % 2 === 0 ? ['base', 'new'] : ['new', 'base'];
    for (const side of order) runs[side].push(run(side === 'base' ? base : here, cfg));
  }
  const m = (side, k) => median(runs[side].map((r) => r[k]));
  out[cfg[0]] = {
    batch: Number(cfg[2]), steps: Number(cfg[1]), repeats,
    base: { imagesPerCpuSecond: m('base', 'imagesPerCpuSecond'), msPerStep: m('base', 'msPerStep') },
    new: { imagesPerCpuSecond: m('new', 'imagesPerCpuSecond'), msPerStep: m('new', 'msPerStep') },
    ratioCpu: m('new', 'imagesPerCpuSecond') / m('base', 'imagesPerCpuSecond'),
    ratioWall: m('base', 'msPerStep') / m('new', 'msPerStep'),
    pairedRatiosCpu: runs.new.map((r, i) => +(r.imagesPerCpuSecond / runs.base[i].imagesPerCpuSecond).toFixed(3)),
  };
}
process.stdout.write(`${JSON.stringify({ load: [load0, loadavg()[0]], ...out }, null, 2)}\n`);
