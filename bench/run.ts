/**
 * `pnpm bench`: runs every benchmark in bench/dist (train, then kernels,
 * pytorch, preprocess, api-load, datasets, export and dist-cost when present) as separate processes, so one's memory and threads
 * do not disturb the next, and prints one JSON object keyed by benchmark.
 * The pytorch section (./pytorch.ts) says in one line that it is skipped when
 * no python3 can import torch; the dist-cost section (./dist-cost.ts, about
 * 10 minutes on 2 idle cores) likewise when no Redis answers at REDIS_URL.
 *
 * `pnpm bench --against pytorch [options of pytorch.ts]`: only that comparison.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out: Record<string, unknown> = {};
const against = process.argv.indexOf('--against');
if (against >= 0 && process.argv[against + 1] !== 'pytorch') {
  process.stderr.write(`bench: --against supports only 'pytorch', got '${process.argv[against + 1] ?? ''}'\n`);
  process.exit(2);
}
const names = against >= 0 ? ['pytorch'] : ['train', 'kernels', 'pytorch', 'preprocess', 'api-load', 'datasets', 'export', 'dist-cost'];
const passOn = against >= 0 ? process.argv.slice(2).filter((_, i) => i !== against - 2 && i !== against - 1) : [];
for (const name of names) {
  const file = join(here, `${name}.js`);
  if (!existsSync(file)) continue;
  process.stderr.write(`bench: ${name}...\n`);
  const r = spawnSync(process.execPath, [file, ...passOn], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  out[name] = parseJson(r.stdout) ?? { error: `no JSON object in its output (exit ${r.status})` };
}
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);

/** The whole output as one (possibly pretty-printed) JSON value, else its last line that is one. */
function parseJson(text: string): unknown {
  const t = text.trim();
  try {
    return JSON.parse(t);
  } catch {
    for (const line of t.split('\n').reverse()) {
      try {
        if (line.startsWith('{')) return JSON.parse(line);
      } catch {
        // not JSON: keep looking
      }
    }
    return undefined;
  }
}
