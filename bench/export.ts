/**
 * Model file formats on the seed network (`--preset seed`, 17.4 M parameters):
 * time to write and read each format and its size on disk, tfjs layers
 * directory (model.json + weights.bin) against Keras 2 .h5 (also with Adam's
 * state, as `train` writes it) and Keras 3 .keras.
 * Median of --runs (default 3). Prints one JSON object on one line.
 *
 *   npx tsc -b bench && node bench/dist/export.js [--runs 3] [--preset seed]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getPreset, initBackend, initialWeights, loadModel, saveKerasH5, saveModel, weightManifest, type ModelFormat } from '@tensorpool/engine';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const runs = Number(arg('runs', '3'));
const spec = getPreset(arg('preset', 'seed'));

function bytes(path: string): number {
  const st = statSync(path);
  return st.isDirectory() ? readdirSync(path).reduce((a, f) => a + statSync(join(path, f)).size, 0) : st.size;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await initBackend('cpu');
const weights = initialWeights(spec, 1);
const dir = mkdtempSync(join(tmpdir(), 'tp-bench-export-'));
const result: Record<string, unknown> = { preset: spec.name, params: weightManifest(spec).total, runs };
try {
  // 'h5+adam': model.h5 as `train` writes it, with Adam's m, v (optimizer_weights).
  const adam = { m: weights.map((x) => x * 1e-3), v: weights.map((x) => x * x), step: 1000 };
  for (const [format, name] of [['tfjs', 'model'], ['h5', 'model.h5'], ['h5+adam', 'adam.h5'], ['keras', 'model.keras']] as [ModelFormat | 'h5+adam', string][]) {
    const save: number[] = [];
    const load: number[] = [];
    const path = join(dir, name);
    for (let r = 0; r < runs; r++) {
      rmSync(path, { recursive: true, force: true });
      let t = performance.now();
      if (format === 'h5+adam') await saveKerasH5(path, spec, weights, { normalization: 'div256' }, adam);
      else await saveModel(path, format, { spec, weights, metadata: { normalization: 'div256' } });
      save.push((performance.now() - t) / 1000);
      t = performance.now();
      const m = await loadModel(path);
      load.push((performance.now() - t) / 1000);
      if (m.weights.length !== weights.length) throw new Error(`${format}: read ${m.weights.length} weights`);
    }
    result[format] = { saveSeconds: median(save), loadSeconds: median(load), bytes: bytes(path) };
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(result)}\n`);
