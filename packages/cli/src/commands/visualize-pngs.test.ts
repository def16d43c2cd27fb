/**
 * `tensorpool visualize --model DIR IMAGE --out DIR` writes input.png, one
 * feature-map grid per conv layer and one windows picture per MaxPooling2D
 * layer, at the sizes explain-png.ts lays out (a non-square RGB model with
 * 'same' pooling padding, so no size comes out right by accident); bad input
 * is one line on stderr and exit code 1; --help documents the flags.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, initialWeights, type ModelSpec } from '@tensorpool/engine';
import { saveModelDir } from '@tensorpool/training';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tp-visualize-'));
const SPEC: ModelSpec = {
  name: 'viz', inputShape: [20, 24, 3], labels: ['a', 'b', 'c'],
  layers: [
    { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'conv2d', filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2, padding: 'same' },
    { type: 'flatten' },
    { type: 'dense', units: 3, activation: 'softmax' },
  ],
};

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, lines: r.stderr.trim().split('\n') };
}
/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString()).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

beforeAll(async () => {
  await initBackend('cpu');
  await saveModelDir(join(dir, 'model'), { spec: SPEC, weights: initialWeights(SPEC, 3), normalization: 'div255', h5: false });
  // A 1x1 PNG, stretched to 24x20 by the decoder as training images are.
  writeFileSync(join(dir, 'dot.png'), Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tensorpool visualize', () => {
  it('writes the input, conv grids and pooling windows as PNGs of the laid-out sizes', () => {
    const out = join(dir, 'out');
    const r = cli('visualize', '--model', join(dir, 'model'), '--out', out, '--json', join(dir, 'dot.png'));
    expect(r.status, r.lines.join('\n')).toBe(0);
    const report = JSON.parse(r.stdout) as { files: string[]; predicted: { label: string; probability: number } };
    const expected: Record<string, [number, number]> = {
      'input.png': [24 * 9, 20 * 9], // scale round(224 / 24)
      '01-conv2d_1.png': [2 * 22 * 5 + 2, 2 * 18 * 5 + 2], // 4 maps of 18x22 at 5x, 2x2 grid, 2 px gaps
      '02-max_pooling2d_1.png': [22 * 11 + 16 + 11 * 22, 4 * 198 + 3 * 16], // 18x22 at 11x next to 9x11 at 22x, 4 channels
      '03-conv2d_2.png': [3 * 11 * 10 + 2 * 2, 2 * 9 * 10 + 2], // 6 maps of 9x11 at 10x, 3x2 grid
      '04-max_pooling2d_2.png': [11 * 23 + 16 + 6 * 46, 6 * 230 + 5 * 16], // 9x11 at 23x next to 5x6 at 46x, 6 channels
    };
    expect(report.files).toEqual(Object.keys(expected));
    expect(readdirSync(out).sort()).toEqual(Object.keys(expected).sort());
    for (const [f, size] of Object.entries(expected)) expect(pngSize(join(out, f)), f).toEqual(size);
    expect(SPEC.labels).toContain(report.predicted.label);
  });

  it('refuses bad input with one line and exit code 1', () => {
    const missing = cli('visualize', '--model', join(dir, 'model'), '--out', join(dir, 'o2'), join(dir, 'nope.png'));
    expect(missing.status).toBe(1);
    expect(missing.lines).toHaveLength(1);
    expect(missing.lines[0]).toMatch(/^tensorpool: cannot decode image .*nope\.png: .*\[E_DATA\]$/);
    const noModel = cli('visualize', '--model', join(dir, 'absent'), '--out', join(dir, 'o3'), join(dir, 'dot.png'));
    expect(noModel.status).toBe(1);
    expect(noModel.lines).toHaveLength(1);
    expect(noModel.lines[0]).toMatch(/^tensorpool: .*absent/);
    const noOut = cli('visualize', '--model', join(dir, 'model'), join(dir, 'dot.png'));
    expect(noOut.status).toBe(1);
    expect(noOut.lines[0]).toBe("error: required option '--out <dir>' not specified");
    expect(existsSync(join(dir, 'o2')) || existsSync(join(dir, 'o3'))).toBe(false);
  });

  it('documents its flags in --help', () => {
    const r = cli('visualize', '--help');
    expect(r.status).toBe(0);
    for (const flag of ['--model <path>', '--out <dir>', '--normalization <mode>', '--json']) expect(r.stdout).toContain(flag);
  });
});
