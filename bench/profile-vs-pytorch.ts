/**
 * Per-layer profile of tensorpool against PyTorch, alternating R rounds of
 * bench/dist/layer-profile.js and bench/pytorch_ref.py `profile` (each its own
 * process, the order flipping every round), then the median per layer and pass
 * of each side and their ratio (PyTorch ms / ours: > 1 = we are faster).
 * One thread, batch 32. --cpu-time times both by process CPU time (steadier
 * than wall time on the loaded shared cores). Table on stderr, JSON on stdout.
 *
 *   node bench/dist/profile-vs-pytorch.js --preset seed [--rounds 3] [--reps 3] [--cpu-time]
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LayerTiming } from './layer-profile.js';
import { findTorchPython, layerTable, median } from './pytorch-report.js';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const preset = arg('preset', 'seed'), rounds = Math.max(1, Number(arg('rounds', '3'))), reps = arg('reps', '3');
const cpu = process.argv.includes('--cpu-time') ? ['--cpu-time'] : [];
const python = findTorchPython();
if (!python) throw new Error('no python3 that can `import torch` (apt-get install python3-torch; or set TENSORPOOL_PYTHON)');

function layers(cmd: string, args: string[]): LayerTiming[] {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
  return (JSON.parse(line) as { layers: LayerTiming[] }).layers;
}

const load0 = loadavg()[0];
const runs = { ours: [] as LayerTiming[][], torch: [] as LayerTiming[][] };
for (let r = 0; r < rounds; r++) {
  const a = () => runs.ours.push(layers(process.execPath, [join(here, 'layer-profile.js'), '--preset', preset, '--reps', reps, ...cpu]));
  const b = () => runs.torch.push(layers(python, [join(here, '..', 'pytorch_ref.py'), 'profile', '--preset', preset, '--reps', reps, ...cpu]));
  if (r % 2 === 0) { a(); b(); } else { b(); a(); }
}
/** Per layer and pass, the median over the rounds. */
const med = (rs: LayerTiming[][]): LayerTiming[] => rs[0].map((l, i) => {
  const m = (k: 'forward' | 'inputGrad' | 'weightGrad') => (l[k] === null ? null : median(rs.map((x) => x[i][k]!)));
  return { layer: l.layer, input: l.input, forward: m('forward')!, inputGrad: m('inputGrad'), weightGrad: m('weightGrad') };
});
const table = layerTable(preset, med(runs.ours), med(runs.torch));
process.stderr.write(table.text);
process.stdout.write(`${JSON.stringify({ benchmark: 'profile-vs-pytorch', preset, rounds, reps: Number(reps), clock: cpu.length ? 'cpu' : 'wall', loadAverage1m: [load0, loadavg()[0]], layers: table.rows })}\n`);
