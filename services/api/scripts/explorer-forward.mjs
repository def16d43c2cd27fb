#!/usr/bin/env node
// What one pooling-explorer answer costs: explain() (decode left out: the pixels are given)
// plus the binary encoding, for the seed model (100x100x3, seeded weights) and the tests'
// tiny model, on the tfjs backend named by the argument (wasm, the explorer worker's, or cpu).
// Alternates the two models, 3 rounds after a warm-up; prints ms and answer bytes as JSON.
//   node services/api/scripts/explorer-forward.mjs wasm
import { getPreset, initBackend, initialWeights } from '@tensorpool/engine';
import { explain } from '@tensorpool/training';
import { encodeExplanation } from '../dist/dashboard/explorer-wire.js';
import { TINY_SPEC } from '../dist/testing/runs.js';

const backend = await initBackend(process.argv[2] ?? 'wasm');
const models = Object.fromEntries(Object.entries({ seed: getPreset('seed'), tiny: TINY_SPEC })
  .map(([k, spec]) => [k, { spec, weights: initialWeights(spec, 1), normalization: 'div256' }]));
const pixels = (s) => new Uint8Array(s.inputShape.reduce((a, b) => a * b)).map((_, i) => (i * 7) % 256);
for (const m of Object.values(models)) explain(m, pixels(m.spec));
const out = { backend, seed: [], tiny: [] };
for (let r = 0; r < 3; r++) {
  for (const [k, m] of Object.entries(models)) {
    const t0 = performance.now();
    const body = encodeExplanation(k, { name: k, inputShape: m.spec.inputShape, labels: m.spec.labels }, explain(m, pixels(m.spec)));
    out[k].push({ ms: Math.round(performance.now() - t0), bytes: body.length });
  }
}
process.stdout.write(`${JSON.stringify(out)}\n`);
