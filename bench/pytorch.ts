/**
 * tensorpool against PyTorch, side by side in one run (`pnpm bench --against
 * pytorch`, and a section of `pnpm bench` when python3 can import torch).
 *
 * Rows: seed 1 thread, seed 2 threads, fashion-mnist 2 threads (images/s,
 * global batch 32, synthetic input) and the peak RSS of the seed 2-thread run.
 * Every run is its own process: tensorpool's `bench/dist/train.js --one` and
 * `bench/pytorch_ref.py train` (same network, Keras init, Adam). The two
 * alternate (the order flips every repeat) so load on the shared cores hits
 * both alike; only the ratios of the medians mean something across machines.
 * Then a per-layer profile of both (one thread, batch 32; bench/layer-profile.ts
 * and pytorch_ref.py `profile`), so kernel work goes where the gap is.
 * Prints a table on stderr and one JSON object on stdout.
 *
 *   node bench/dist/pytorch.js [--repeats 3] [--steps 3] [--fashion-steps 20] [--reps 3] [--no-profile]
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTorchPython, layerTable, median, ratioTable, type Side } from './pytorch-report.js';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, '..', 'pytorch_ref.py');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

const python = findTorchPython();
if (!python) {
  process.stderr.write('bench pytorch: skipped, no python3 that can `import torch` (apt-get install python3-torch; or set TENSORPOOL_PYTHON)\n');
  process.stdout.write(`${JSON.stringify({ benchmark: 'pytorch', skipped: 'no python3 with torch' })}\n`);
  process.exit(0);
}

const repeats = Math.max(3, arg('repeats', 3));
const steps = arg('steps', 3), fashionSteps = arg('fashion-steps', 20), reps = arg('reps', 3);
const ROWS = [
  { row: 'seed, 1 thread', preset: 'seed', threads: 1, steps },
  { row: 'seed, 2 threads', preset: 'seed', threads: 2, steps },
  { row: 'fashion-mnist, 2 threads', preset: 'fashion-mnist', threads: 2, steps: fashionSteps },
];

interface Run { imagesPerSecond: number; peakRssMB: number }

function lastJson<T>(cmd: string, args: string[], what: string): T {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`${what} failed (exit ${r.status})`);
  return JSON.parse(line) as T;
}

const ours = (p: string, t: number, k: number) =>
  lastJson<Run>(process.execPath, [join(here, 'train.js'), '--one', p, String(t), String(k)], `tensorpool ${p} x${t}`);
const torch = (p: string, t: number, k: number) =>
  lastJson<Run>(python, [script, 'train', '--preset', p, '--threads', String(t), '--steps', String(k)], `pytorch ${p} x${t}`);

const load0 = loadavg()[0];
const runs = ROWS.map(() => ({ ours: [] as Run[], pytorch: [] as Run[] }));
for (let r = 0; r < repeats; r++) {
  ROWS.forEach((row, i) => {
    process.stderr.write(`bench pytorch: ${row.row}, repeat ${r + 1}/${repeats}\n`);
    // Each run is also logged as it ends, so a run cut short still leaves its numbers.
    const log = (who: string, x: Run) => process.stderr.write(`bench pytorch:   ${who}: ${x.imagesPerSecond.toFixed(2)} img/s, peak RSS ${x.peakRssMB} MB\n`);
    const a = () => log('tensorpool', runs[i].ours[runs[i].ours.push(ours(row.preset, row.threads, row.steps)) - 1]);
    const b = () => log('pytorch', runs[i].pytorch[runs[i].pytorch.push(torch(row.preset, row.threads, row.steps)) - 1]);
    if (r % 2 === 0) { a(); b(); } else { b(); a(); }
  });
}

const side = (rs: Run[], key: keyof Run): Side => ({ median: median(rs.map((x) => x[key])), runs: rs.map((x) => Math.round(x[key] * 10) / 10) });
const rows = ROWS.map((row, i) => {
  const o = side(runs[i].ours, 'imagesPerSecond'), p = side(runs[i].pytorch, 'imagesPerSecond');
  return { row: row.row, unit: 'img/s', tensorpool: o, pytorch: p, ratio: o.median / p.median };
});
const seed2 = ROWS.findIndex((r) => r.preset === 'seed' && r.threads === 2);
const rssO = side(runs[seed2].ours, 'peakRssMB'), rssP = side(runs[seed2].pytorch, 'peakRssMB');
rows.push({ row: 'peak RSS, seed, 2 threads', unit: 'MB', tensorpool: rssO, pytorch: rssP, ratio: rssO.median / rssP.median });
process.stderr.write(ratioTable(rows));

let profile: Record<string, unknown> | undefined;
if (!process.argv.includes('--no-profile')) {
  profile = {};
  for (const preset of ['seed', 'fashion-mnist']) {
    process.stderr.write(`bench pytorch: per-layer profile, ${preset}\n`);
    const o = lastJson<{ layers: unknown[] }>(process.execPath, [join(here, 'layer-profile.js'), '--preset', preset, '--reps', String(reps)], `tensorpool profile ${preset}`);
    const p = lastJson<{ layers: unknown[] }>(python, [script, 'profile', '--preset', preset, '--reps', String(reps)], `pytorch profile ${preset}`);
    const table = layerTable(preset, o.layers as never, p.layers as never);
    process.stderr.write(table.text);
    profile[preset] = { threads: 1, batchSize: 32, reps, layers: table.rows };
  }
}

process.stdout.write(`${JSON.stringify({
  benchmark: 'pytorch',
  python,
  loadAverage1m: [load0, loadavg()[0]],
  repeats, steps, fashionSteps,
  rows,
  targets: {
    seed1: { target: 1.2, measured: rows[0].ratio, met: rows[0].ratio >= 1.2 },
    seed2: { target: 1.5, measured: rows[1].ratio, met: rows[1].ratio >= 1.5 },
    fashion2: { target: 1.2, measured: rows[2].ratio, met: rows[2].ratio >= 1.2 },
    peakRss: { target: 1.0, measured: rows[3].ratio, met: rows[3].ratio <= 1.0 },
  },
  profile,
}, null, 2)}\n`);
