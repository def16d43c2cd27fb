/**
 * Helpers of bench/pytorch.ts: finding a python3 that has torch, medians, and
 * the two text tables (throughput ratios, per-layer profile).
 */
import { spawnSync } from 'node:child_process';

export interface Side { median: number; runs: number[] }
export interface RatioRow { row: string; unit: string; tensorpool: Side; pytorch: Side; ratio: number }
interface LayerTiming { layer: string; input: number[]; forward: number; inputGrad: number | null; weightGrad: number | null }

/** $TENSORPOOL_PYTHON, else python3 on the PATH, else Debian's /usr/bin/python3 (a pyenv python3 may lack the apt torch). */
export function findTorchPython(): string | undefined {
  const candidates = [process.env.TENSORPOOL_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  return candidates.find((py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
}

/** The middle value (the lower middle one for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

const f = (x: number | null | undefined, d = 1) => (x == null ? '-' : x.toFixed(d));

export function ratioTable(rows: RatioRow[]): string {
  const lines = ['', '| | tensorpool | PyTorch | ratio |', '|---|---|---|---|'];
  for (const r of rows) {
    lines.push(`| ${r.row} | ${f(r.tensorpool.median)} ${r.unit} (${r.tensorpool.runs.join(', ')}) | ${f(r.pytorch.median)} ${r.unit} (${r.pytorch.runs.join(', ')}) | ${f(r.ratio, 2)} |`);
  }
  return `${lines.join('\n')}\n(ratio: tensorpool / PyTorch; for img/s higher is better, for RSS lower)\n\n`;
}

/** Per layer and pass: ms of both and PyTorch's time / ours (> 1: we are faster). */
export function layerTable(preset: string, ours: LayerTiming[], torch: LayerTiming[]): { text: string; rows: unknown[] } {
  const lines = [`per-layer profile, ${preset}, batch 32, 1 thread (ms; speed = PyTorch ms / tensorpool ms)`,
    '| layer | input | forward ours / torch | speed | input grad ours / torch | speed | weight grad ours / torch | speed |', '|---|---|---|---|---|---|---|---|'];
  const rows: unknown[] = [];
  let sumO = 0, sumP = 0;
  ours.forEach((o, i) => {
    const p = torch[i];
    const cell = (a: number | null, b: number | null) => `${f(a)} / ${f(b)} | ${a && b ? f(b / a, 2) : '-'}`;
    lines.push(`| ${o.layer} | ${o.input.join('×')} | ${cell(o.forward, p.forward)} | ${cell(o.inputGrad, p.inputGrad)} | ${cell(o.weightGrad, p.weightGrad)} |`);
    rows.push({ layer: o.layer, input: o.input, tensorpool: { forward: o.forward, inputGrad: o.inputGrad, weightGrad: o.weightGrad },
      pytorch: { forward: p.forward, inputGrad: p.inputGrad, weightGrad: p.weightGrad } });
    sumO += o.forward + (o.inputGrad ?? 0) + (o.weightGrad ?? 0);
    sumP += p.forward + (p.inputGrad ?? 0) + (p.weightGrad ?? 0);
  });
  lines.push(`| total | | | | | | ${f(sumO)} / ${f(sumP)} | ${f(sumP / sumO, 2)} |`);
  return { text: `${lines.join('\n')}\n\n`, rows };
}
