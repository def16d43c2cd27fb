/**
 * `pnpm bench`: runs every benchmark in bench/dist (train, then kernels,
 * preprocess, api-load, datasets and export when present) as separate processes, so one's memory and threads
 * do not disturb the next, and prints one JSON object keyed by benchmark.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out: Record<string, unknown> = {};
for (const name of ['train', 'kernels', 'preprocess', 'api-load', 'datasets', 'export']) {
  const file = join(here, `${name}.js`);
  if (!existsSync(file)) continue;
  process.stderr.write(`bench: ${name}...\n`);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
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
