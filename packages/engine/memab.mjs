// A/B in one process: copying replica vs shared-kernel replica, seed, batch 16, alternating.
import { initBackend, Replica, getPreset, initialWeights, weightManifest } from './dist/index.js';
await initBackend('wasm', { inWorkerThread: true });
const spec = getPreset('seed');
const total = weightManifest(spec).total;
const W = initialWeights(spec, 1, new Float32Array(total));
const n = 16;
const x = new Float32Array(n * 30000).map((_, i) => ((i * 2654435761) % 1000) / 1000);
const labels = Int32Array.from({ length: n }, (_, i) => i % 6);
const g = new Float32Array(total);
const reps = { copy: new Replica(spec), share: new Replica(spec, { shareKernels: true }) };
const t = { copy: [], share: [] };
for (let k = 0; k < Number(process.argv[2] ?? 4); k++) {
  for (const name of k % 2 ? ['share', 'copy'] : ['copy', 'share']) {
    const r = reps[name];
    const t0 = performance.now();
    r.setWeights(W);
    r.gradients(x, labels, n, { training: true, seed: 1, epoch: 0, sampleIds: labels }, g);
    if (k > 0) t[name].push(performance.now() - t0);
  }
}
const med = (a) => a.slice().sort((p, q) => p - q)[a.length >> 1];
console.log(JSON.stringify({ copy: t.copy.map(Math.round), share: t.share.map(Math.round), ratio: med(t.share) / med(t.copy) }));
